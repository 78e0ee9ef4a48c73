/**
 * Google's error answers, read the same way for every Google API the bot calls (Calendar, and Gmail
 * calls beyond the reading client): what is worth another attempt, and which coded error the caller
 * finally gets, named after `service`. The service-neutral pieces (TransientFailure, reason codes,
 * network failures, the retry verdict) are Gmail's own, reused so both clients retry alike.
 */
import { RateLimitedError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../core/errors.ts';
import { parseRetryAfter } from '../../infrastructure/http/retryAfter.ts';
import { googleReason, TransientFailure } from '../gmail/gmailErrors.ts';

export { networkFailure, retryVerdict, TransientFailure } from '../gmail/gmailErrors.ts';

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
// The token works but was granted without the scope this call needs (e.g. gmail.modify, calendar.events).
const SCOPE_REASONS = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT']);

/**
 * A 403 because the grant lacks a scope. Reported as UpstreamUnauthorizedError: withAccessToken then
 * reads a fresh token once and, refused again, asks the user to authorize, which grants the scope.
 */
export function isScopeRefusal(status: number, body: string): boolean {
  if (status !== 403) return false;
  const reason = googleReason(body);
  return (reason !== undefined && SCOPE_REASONS.has(reason)) || /ACCESS_TOKEN_SCOPE_INSUFFICIENT/.test(body.slice(0, 4_000));
}

/** The error for a non-2xx answer to `step` (e.g. "creating the event"). */
export function failureFor(
  service: string,
  step: string,
  status: number,
  retryAfter: string | readonly string[] | undefined,
  body: string,
): Error {
  if (status === 401 || isScopeRefusal(status, body)) return new UpstreamUnauthorizedError(service);
  const reason = googleReason(body);
  const described = `${step} failed with HTTP ${status}${reason ? ` (${reason})` : ''}`;
  const waitMs = parseRetryAfter(retryAfter);
  if (status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))) {
    return new TransientFailure('rate-limited', described, waitMs);
  }
  if (status >= 500 || status === 408) return new TransientFailure('unavailable', described, waitMs);
  return new UpstreamUnavailableError(service, `${step} was refused with HTTP ${status}${reason ? ` (${reason})` : ''}`);
}

/** Once retrying is over: coded errors pass through, transient ones become coded errors of `service`. */
export function finalError(service: string, error: unknown): unknown {
  if (!(error instanceof TransientFailure)) return error;
  if (error.kind === 'rate-limited') return new RateLimitedError(service, error.retryAfterMs);
  return new UpstreamUnavailableError(service, error.message, { cause: error.cause });
}
