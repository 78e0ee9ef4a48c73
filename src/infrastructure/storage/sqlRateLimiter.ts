/**
 * Rate limits kept in the database: every instance that shares it takes from the same bucket per
 * user, so running three instances does not triple anyone's burst. A take reads its bucket and
 * writes the new state only if the bucket is still as it read it (compare and swap), reading again
 * when another instance got there first: two instances taking at once cannot both spend the last
 * token. It runs before each command's first upstream call, so it is two statements (a refusal
 * one) rather than a transaction with the row locked, which was five round trips on PostgreSQL.
 */
import { capacityOf, takeToken, type AlertRateLimit, type TakeDecision, type TokenBucketLimit } from '../../actions/alerts/rateLimit.ts';
import type { Database } from './database.ts';

/** Idle buckets are cleared out at most this often, by whichever take comes along. */
const FORGET_IDLE_EVERY_MS = 10 * 60_000;
/** Each miss means another take succeeded: only a crowd on one user's bucket gets this far. */
const MAX_ATTEMPTS = 50;

export class SqlRateLimiter implements AlertRateLimit {
  private readonly db: Database;
  private readonly limit: TokenBucketLimit;
  private readonly clock: () => number;
  private readonly prefix: string;
  private nextForgetAt = 0;

  /**
   * `prefix` keeps this limiter's buckets apart from others sharing the table (one per kind of
   * request, each with its own size), and limits its housekeeping to them.
   */
  constructor(db: Database, limit: TokenBucketLimit, clock: () => number, prefix = '') {
    this.db = db;
    this.limit = limit;
    this.clock = clock;
    this.prefix = prefix;
  }

  async take(key: string): Promise<TakeDecision> {
    const decision = await this.takeFromBucket(`${this.prefix}${key}`);
    if (this.clock() >= this.nextForgetAt) {
      this.nextForgetAt = this.clock() + FORGET_IDLE_EVERY_MS;
      // Housekeeping only: if it fails, the next round does it.
      await this.forgetIdle().catch(() => undefined);
    }
    return decision;
  }

  private async takeFromBucket(key: string): Promise<TakeDecision> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.clock();
      const row = (await this.db.query<{ tokens: number; at: unknown }>('SELECT tokens, at FROM rate_buckets WHERE key = $1', [key]))[0];
      const result = takeToken(row && { tokens: Number(row.tokens), at: new Date(row.at as string | Date).getTime() }, this.limit, now);
      const decision = { allowed: result.allowed, retryAfterMs: result.retryAfterMs };
      // A refusal changes nothing: the refill is worked out from the stored time whenever it is read.
      if (row && !result.allowed) return decision;
      const written = row
        ? await this.db.query('UPDATE rate_buckets SET tokens = $2, at = $3 WHERE key = $1 AND tokens = $4 AND at = $5 RETURNING key', [
            key, result.state.tokens, new Date(result.state.at), row.tokens, row.at,
          ])
        : await this.db.query('INSERT INTO rate_buckets (key, tokens, at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING key', [
            key, result.state.tokens, new Date(result.state.at),
          ]);
      if (written.length === 1) return decision;
    }
    throw new Error(`a rate-limit bucket changed under ${MAX_ATTEMPTS} takes in a row`);
  }

  /** Drops buckets that have been full again for a while: a missing bucket starts full anyway. */
  async forgetIdle(): Promise<number> {
    const refilledMs = capacityOf(this.limit) * Math.max(1, this.limit.refillEveryMs);
    const rows = await this.db.query("DELETE FROM rate_buckets WHERE at < $1 AND key LIKE $2 ESCAPE '\\' RETURNING key", [
      new Date(this.clock() - refilledMs),
      `${this.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    ]);
    return rows.length;
  }
}
