/** Turns the Scalekit SDK's exceptions into the project's coded errors. */
import { AppError, UpstreamUnavailableError } from '../../core/errors.ts';
import { loadedScalekitSdk } from './sdk.ts';

/** The SDK's gRPC status of `error` when it is one of its exceptions (none can exist before it is loaded). */
function grpcStatusOf(error: unknown): number | undefined {
  const sdk = loadedScalekitSdk();
  return sdk && error instanceof sdk.ScalekitServerException ? error.grpcStatus : undefined;
}

export function isNotFound(error: unknown): boolean {
  const sdk = loadedScalekitSdk();
  return sdk !== undefined && grpcStatusOf(error) === sdk.Code.NotFound;
}

/** Whether Scalekit refused the request itself (as opposed to being unreachable). */
export function isRefusal(error: unknown): boolean {
  const sdk = loadedScalekitSdk();
  const status = grpcStatusOf(error);
  return sdk !== undefined && status !== undefined &&
    [sdk.Code.InvalidArgument, sdk.Code.PermissionDenied, sdk.Code.FailedPrecondition, sdk.Code.NotFound].includes(status);
}

export function fromScalekitError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  // Everything else (unreachable, timed out, 5xx, refused credentials) is "Scalekit unavailable" to
  // the user; the cause keeps the detail for the log.
  return new UpstreamUnavailableError('Scalekit', `${what} failed`, { cause: error });
}
