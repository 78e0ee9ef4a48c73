/** Turns the Scalekit SDK's exceptions into the project's coded errors. */
import { Code } from '@connectrpc/connect';
import { ScalekitServerException } from '@scalekit-sdk/node';
import { AppError, UpstreamUnavailableError } from '../../core/errors.ts';

export function isNotFound(error: unknown): boolean {
  return error instanceof ScalekitServerException && error.grpcStatus === Code.NotFound;
}

/** Whether Scalekit refused the request itself (as opposed to being unreachable). */
export function isRefusal(error: unknown): boolean {
  return (
    error instanceof ScalekitServerException &&
    [Code.InvalidArgument, Code.PermissionDenied, Code.FailedPrecondition, Code.NotFound].includes(error.grpcStatus)
  );
}

export function fromScalekitError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  // Everything else (unreachable, timed out, 5xx, refused credentials) is "Scalekit unavailable" to
  // the user; the cause keeps the detail for the log.
  return new UpstreamUnavailableError('Scalekit', `${what} failed`, { cause: error });
}
