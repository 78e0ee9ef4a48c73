/**
 * The one error style of the project: a small set of coded errors. Callers branch on `code`,
 * never on a message; the Slack front-end maps each code to one user-facing message.
 */

export type ErrorCode =
  | 'NEEDS_AUTHORIZATION'
  | 'UPSTREAM_UNAUTHORIZED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'OVER_BUDGET'
  | 'BAD_INPUT'
  | 'STOPPED'
  | 'INTERNAL';

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The user stopped the request (an agent conversation's Stop) before it was done. */
export class StoppedError extends AppError {
  constructor(message = 'stopped by the user') {
    super('STOPPED', message);
  }
}

/** The user's connected account for `connector` is not usable until they authorize it. */
export class NeedsAuthorizationError extends AppError {
  readonly connector: string;

  constructor(connector: string, message = `authorization needed for ${connector}`) {
    super('NEEDS_AUTHORIZATION', message);
    this.connector = connector;
  }
}

/** An upstream API refused the credentials it was given (HTTP 401). */
export class UpstreamUnauthorizedError extends AppError {
  readonly service: string;

  constructor(service: string) {
    super('UPSTREAM_UNAUTHORIZED', `${service} refused the access token`);
    this.service = service;
  }
}

/** An upstream service could not be reached or kept failing after bounded retries. */
export class UpstreamUnavailableError extends AppError {
  readonly service: string;

  constructor(service: string, message: string, options?: { cause?: unknown }) {
    super('UPSTREAM_UNAVAILABLE', `${service}: ${message}`, options);
    this.service = service;
  }
}

/** An upstream service kept asking us to slow down after bounded retries. */
export class RateLimitedError extends AppError {
  readonly service: string;
  readonly retryAfterMs: number | undefined;

  constructor(service: string, retryAfterMs?: number) {
    super('RATE_LIMITED', `${service} is rate limiting requests`);
    this.service = service;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The user has used up their own allowance for this kind of request; nothing was sent upstream. */
export class OverBudgetError extends AppError {
  readonly retryAfterMs: number;

  constructor(kind: string, retryAfterMs: number) {
    super('OVER_BUDGET', `over the ${kind} budget`);
    this.retryAfterMs = retryAfterMs;
  }
}

/** Input from a user that cannot be acted on; `message` is safe to show to that user. */
export class BadInputError extends AppError {
  constructor(message: string) {
    super('BAD_INPUT', message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Wraps anything thrown into an AppError so one handler can deal with every failure. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('INTERNAL', 'unexpected error', { cause: error });
}
