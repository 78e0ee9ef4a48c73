/** Alert rate limits in the database, on both databases: one allowance per user however many instances share it. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlRateLimiter } from '../../../src/infrastructure/storage/sqlRateLimiter.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const LIMIT = { capacity: 3, refillEveryMs: 60_000 };

describe.each(DATABASE_KINDS)('on $name', (kind) => {
  let db: Database;
  let now: number;
  const clock = () => now;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    now = Date.parse('2026-11-25T12:00:00Z');
    await db.query('DELETE FROM rate_buckets');
  });

  it('allows the burst, then refuses with the wait until a token is back, then refills', async () => {
    const limiter = new SqlRateLimiter(db, LIMIT, clock);
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await limiter.take('T1:U1'));
    expect(taken.map((t) => t.allowed)).toEqual([true, true, true, false]);
    expect(taken[3]!.retryAfterMs).toBe(60_000);
    expect((await limiter.take('T1:U2')).allowed).toBe(true); // another user's bucket
    now += 60_000;
    expect(await limiter.take('T1:U1')).toEqual({ allowed: true, retryAfterMs: 0 });
    expect((await limiter.take('T1:U1')).allowed).toBe(false);
  });

  it('shares one allowance between instances, even when they take at the same moment', async () => {
    const [one, two] = [new SqlRateLimiter(db, LIMIT, clock), new SqlRateLimiter(db, LIMIT, clock)];
    const decisions = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).take('T1:U9')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
  });

  it('forgets buckets that have been full again for a while, and only those', async () => {
    const limiter = new SqlRateLimiter(db, LIMIT, clock);
    await limiter.take('T1:old');
    now += LIMIT.capacity * LIMIT.refillEveryMs + 1;
    await limiter.take('T1:recent');
    expect(await limiter.forgetIdle()).toBe(1);
    const left = await db.query<{ key: string }>('SELECT key FROM rate_buckets');
    expect(left.map((row) => row.key)).toEqual(['T1:recent']);
  });
});
