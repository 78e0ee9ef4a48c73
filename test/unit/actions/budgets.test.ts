/**
 * Budgets per user and kind, in the shared rate_buckets table with a clock the test moves: each kind
 * its own size and refill, each user (within their workspace) their own bucket, and one kind's
 * housekeeping never forgets another kind's buckets.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { charge } from '../../../src/actions/budgets.ts';
import { createBudgets } from '../../../src/composition/budgets.ts';
import { OverBudgetError } from '../../../src/core/errors.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlRateLimiter } from '../../../src/infrastructure/storage/sqlRateLimiter.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const minute = 60_000;
const budgetsConfig = {
  budgets: {
    read_mail: { capacity: 3, refillEveryMs: 2_000 },
    connect_link: { capacity: 1, refillEveryMs: minute },
    chat_model: { capacity: 2, refillEveryMs: 10_000 },
    alert: { capacity: 5, refillEveryMs: minute },
    calendar_write: { capacity: 2, refillEveryMs: 30_000 },
  },
};

describe.each(DATABASE_KINDS)('budgets on $name', (kind) => {
  let db: Database;
  let now: number;
  const clock = () => new Date(now);
  const alice = { teamId: 'T1', userId: 'U1' };
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

  it('gives each kind its own burst and refill, and says when the next one is back', async () => {
    const { budgets } = createBudgets(budgetsConfig, { db, now: clock });
    const reads = [];
    for (let i = 0; i < 4; i++) reads.push(await budgets.spend(alice, 'read_mail'));
    expect(reads.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(reads[3]!.retryAfterMs).toBe(2_000);
    // Reading used up does not touch the link budget, and the link budget is its own size.
    expect((await budgets.spend(alice, 'connect_link')).allowed).toBe(true);
    await expect(charge(budgets, alice, 'connect_link')).rejects.toMatchObject({ code: 'OVER_BUDGET', retryAfterMs: minute });
    await expect(charge(budgets, alice, 'connect_link')).rejects.toBeInstanceOf(OverBudgetError);
    now += 2_000;
    expect((await budgets.spend(alice, 'read_mail')).allowed).toBe(true);
    expect((await budgets.spend(alice, 'read_mail')).allowed).toBe(false);
    now += minute;
    await expect(charge(budgets, alice, 'connect_link')).resolves.toBeUndefined();
  });

  it('keeps users apart, the same user id in another workspace included', async () => {
    const { budgets } = createBudgets(budgetsConfig, { db, now: clock });
    expect((await budgets.spend(alice, 'connect_link')).allowed).toBe(true);
    expect((await budgets.spend(alice, 'connect_link')).allowed).toBe(false);
    expect((await budgets.spend({ teamId: 'T1', userId: 'U2' }, 'connect_link')).allowed).toBe(true);
    expect((await budgets.spend({ teamId: 'T2', userId: 'U1' }, 'connect_link')).allowed).toBe(true);
  });

  it('is shared by instances that share the database', async () => {
    const one = createBudgets(budgetsConfig, { db, now: clock }).budgets;
    const two = createBudgets(budgetsConfig, { db, now: clock }).budgets;
    const decisions = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? one : two).spend(alice, 'chat_model')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(2);
  });

  it("forgets only its own kind's idle buckets", async () => {
    const reads = new SqlRateLimiter(db, budgetsConfig.budgets.read_mail, () => now, 'read_mail:');
    const links = new SqlRateLimiter(db, budgetsConfig.budgets.connect_link, () => now, 'connect_link:');
    await links.take('T1:U1');
    await reads.take('T1:U1');
    now += 10_000; // reading has refilled by now; the link has not
    expect(await reads.forgetIdle()).toBe(1);
    expect((await links.take('T1:U1')).allowed).toBe(false);
  });
});
