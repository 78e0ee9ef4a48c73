/**
 * Alert rate limits kept in the database: every instance that shares it takes from the same
 * bucket per user, so running three instances does not triple anyone's burst. Each take reads and
 * writes its bucket in one transaction with the row locked (`FOR UPDATE` on PostgreSQL; SQLite's
 * transaction holds the single write lock), so two instances
 * taking at once cannot both spend the last token.
 */
import { capacityOf, takeToken, type AlertRateLimit, type TakeDecision, type TokenBucketLimit } from '../../actions/alerts/rateLimit.ts';
import type { Database } from './database.ts';

/** Idle buckets are cleared out at most this often, by whichever take comes along. */
const FORGET_IDLE_EVERY_MS = 10 * 60_000;

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

  private takeFromBucket(key: string): Promise<TakeDecision> {
    return this.db.transaction(async (tx) => {
      const now = this.clock();
      // The row must exist to be locked; a new one starts full, as takeToken's would.
      await tx.query(
        'INSERT INTO rate_buckets (key, tokens, at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING',
        [key, capacityOf(this.limit), new Date(now)],
      );
      const rows = await tx.query<{ tokens: number; at: Date }>(`SELECT tokens, at FROM rate_buckets WHERE key = $1 ${this.db.dialect.lockRow}`, [key]);
      const row = rows[0]!;
      const result = takeToken({ tokens: Number(row.tokens), at: new Date(row.at).getTime() }, this.limit, now);
      await tx.query('UPDATE rate_buckets SET tokens = $2, at = $3 WHERE key = $1', [key, result.state.tokens, new Date(result.state.at)]);
      return { allowed: result.allowed, retryAfterMs: result.retryAfterMs };
    });
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
