/**
 * How the Gmail client reads a failed answer: which ones are worth another attempt, and which coded
 * error the caller finally gets. Messages name the step and the HTTP status (and Google's reason
 * code), never the body, the token or anything from the mailbox.
 */
import { RateLimitedError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../core/errors.ts';
import type { RetryVerdict } from '../../infrastructure/http/retry.ts';
import { parseRetryAfter } from '../../infrastructure/http/retryAfter.ts';

const SERVICE = 'Gmail';
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/** A failure worth another attempt; it becomes a coded error once the retries are spent. */
export class TransientFailure extends Error {
  readonly kind: 'rate-limited' | 'unavailable';
  readonly retryAfterMs: number | undefined;

  constructor(kind: 'rate-limited' | 'unavailable', description: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(description, options);
    this.name = 'TransientFailure';
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Google's reason code (`errors[0].reason`), only if it looks like one: it goes into error messages. */
export function googleReason(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { errors?: Array<{ reason?: unknown }>; status?: unknown } };
    const reason = parsed.error?.errors?.[0]?.reason ?? parsed.error?.status;
    return typeof reason === 'string' && /^[A-Za-z_]{1,64}$/.test(reason) ? reason : undefined;
  } catch {
    return undefined;
  }
}

/** The error for a non-2xx answer to `step` (e.g. "listing messages"). */
export function failureFor(
  step: string,
  status: number,
  retryAfter: string | readonly string[] | undefined,
  body: string,
): Error {
  if (status === 401) return new UpstreamUnauthorizedError(SERVICE);
  const reason = googleReason(body);
  const waitMs = parseRetryAfter(retryAfter);
  const described = `${step} failed with HTTP ${status}${reason ? ` (${reason})` : ''}`;
  if (status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))) {
    return new TransientFailure('rate-limited', described, waitMs);
  }
  if (status >= 500 || status === 408) return new TransientFailure('unavailable', described, waitMs);
  return new UpstreamUnavailableError(SERVICE, `${step} was refused with HTTP ${status}${reason ? ` (${reason})` : ''}`);
}

/** A request that got no answer: refused connection, reset, timeout. */
export function networkFailure(step: string, error: unknown): TransientFailure {
  const timedOut = error instanceof Error && /timeout|abort/i.test(`${error.name} ${(error as { code?: string }).code ?? ''}`);
  return new TransientFailure('unavailable', `${step} ${timedOut ? 'timed out' : 'got no answer'}`, undefined, { cause: error });
}

export function retryVerdict(error: unknown): RetryVerdict {
  return error instanceof TransientFailure ? { retryAfterMs: error.retryAfterMs } : false;
}

/** What the caller sees once retrying is over: coded errors pass through, transient ones are coded now. */
export function finalError(error: unknown): unknown {
  if (!(error instanceof TransientFailure)) return error;
  if (error.kind === 'rate-limited') return new RateLimitedError(SERVICE, error.retryAfterMs);
  return new UpstreamUnavailableError(SERVICE, error.message, { cause: error.cause });
}

/** The failure to report for a retry: rate limiting first (with the longest wait asked), else any. */
export function worst(failures: TransientFailure[]): TransientFailure {
  const limited = failures.filter((failure) => failure.kind === 'rate-limited');
  const pool = limited.length > 0 ? limited : failures;
  const longest = pool.reduce<TransientFailure | undefined>(
    (best, failure) => (!best || (failure.retryAfterMs ?? -1) > (best.retryAfterMs ?? -1) ? failure : best),
    undefined,
  );
  return longest ?? new TransientFailure('unavailable', 'the batch answer left out parts');
}
