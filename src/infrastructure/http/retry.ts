/**
 * Ours rather than p-retry (which cannot wait the delay one failure's Retry-After asks for) or undici's
 * RetryAgent (which retries beneath our error mapping: Gmail says "slow down" in a 403's body).
 *
 * Bounded retry with exponential backoff and full jitter, shared by the upstream API clients
 * (Gmail, Slack, Calendar). The caller decides which failures are worth another attempt and may pass
 * on a delay the server asked for (Retry-After); `sleep` and `random` are injectable so tests run
 * without waiting.
 */

export interface RetryPolicy {
  /** Attempts after the first one; 0 means try once. */
  retries: number;
  /** The backoff ceiling of the first retry; it doubles with each retry. */
  baseDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
}

/** What the caller says about a failure: not worth retrying, or retry (after the server's delay, if it gave one). */
export type RetryVerdict = false | { retryAfterMs?: number | undefined };

export interface RetryOptions extends RetryPolicy {
  shouldRetry: (error: unknown) => RetryVerdict;
  sleep?: (ms: number) => Promise<void>;
  /** Returns a number in [0, 1), like Math.random. */
  random?: () => number;
  /** Called before each wait, e.g. to log. */
  onRetry?: (event: { retry: number; delayMs: number; error: unknown }) => void;
}

export const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long to wait before retry number `retry` (0-based), or undefined to stop now.
 * Full jitter (a uniform pick below the exponential ceiling) spreads out clients that failed
 * together. A server-given delay is used as is; when it is longer than `maxDelayMs` we stop instead
 * of retrying early against a server that told us not to: the caller's error can carry that delay.
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number | undefined {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
    const wanted = Math.max(0, retryAfterMs);
    return wanted <= policy.maxDelayMs ? wanted : undefined;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Runs `operation` until it succeeds, a failure is not retryable, or `retries` retries are spent; then rethrows the last failure. */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const retries = Math.max(0, Math.floor(options.retries));

  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= retries) throw error;
      const verdict = options.shouldRetry(error);
      if (verdict === false) throw error;
      const delayMs = backoffDelay(attempt, options, random, verdict.retryAfterMs);
      if (delayMs === undefined) throw error;
      options.onRetry?.({ retry: attempt + 1, delayMs, error });
      await sleep(delayMs);
    }
  }
}
