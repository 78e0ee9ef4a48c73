/**
 * Per-user rate limiting for alerts: a token bucket. `takeToken` is pure (state in, state out); the
 * bot keeps the buckets in its database (infrastructure/storage/sqlRateLimiter.ts), so instances
 * sharing a database share each user's allowance.
 */

export interface TokenBucketLimit {
  /** The burst: how many may be taken at once after a quiet spell. */
  capacity: number;
  /** One token comes back every this many milliseconds, up to `capacity`. */
  refillEveryMs: number;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was last computed (ms since the epoch). */
  at: number;
}

export interface TakeDecision {
  allowed: boolean;
  /** When refused: how long until a token is back. 0 when allowed. */
  retryAfterMs: number;
}

/** Takes a token from the bucket named `key`, if there is one. */
export interface AlertRateLimit {
  take(key: string): TakeDecision | Promise<TakeDecision>;
}

export interface TakeResult {
  allowed: boolean;
  state: BucketState;
  /** When refused: how long until a token is back. 0 when allowed. */
  retryAfterMs: number;
}

/** Five alerts at once, then one a minute. */
export const DEFAULT_ALERT_RATE: TokenBucketLimit = { capacity: 5, refillEveryMs: 60_000 };

/** The bucket's size: at least one token, whole tokens only. */
export function capacityOf(limit: TokenBucketLimit): number {
  return Math.max(1, Math.floor(limit.capacity));
}

export function takeToken(state: BucketState | undefined, limit: TokenBucketLimit, nowMs: number): TakeResult {
  const capacity = capacityOf(limit);
  const every = Math.max(1, limit.refillEveryMs);
  const previous = state ?? { tokens: capacity, at: nowMs };
  // A clock that went backwards refills nothing rather than granting a burst.
  const elapsed = Math.max(0, nowMs - previous.at);
  const tokens = Math.min(capacity, previous.tokens + elapsed / every);
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, at: nowMs }, retryAfterMs: 0 };
  return { allowed: false, state: { tokens, at: nowMs }, retryAfterMs: Math.ceil((1 - tokens) * every) };
}
