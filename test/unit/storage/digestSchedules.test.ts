/**
 * Digest schedules in SQL, on both databases: one per user, each slot claimed by one instance at a
 * time (also when several claim at once), taken again when a claim's lease runs out, and writes
 * about an old slot never undoing a change the user made meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlDigestSchedules } from '../../../src/infrastructure/storage/sqlDigestSchedules.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const t0 = new Date('2026-12-01T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const MINUTE = 60_000;
let users = 0;

function newSchedule(slotAt = t0) {
  const userId = `U${++users}`;
  return {
    identifier: `slack:T:T1:${userId}`,
    user: { teamId: 'T1', userId },
    cron: '0 9 * * 1-5',
    count: 5,
    search: 'from:boss',
    timeZone: 'Europe/Berlin',
    slotAt,
  };
}

describe.each(DATABASE_KINDS)('SqlDigestSchedules on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('keeps one schedule per user, replaced by a change, through a store opened afterwards', async () => {
    const first = newSchedule();
    const saved = await new SqlDigestSchedules(db).save(first, t0);
    expect(saved).toMatchObject({ ...first, paused: false, dueAt: t0, attempts: 0, reconnectPrompted: false });
    const changed = await new SqlDigestSchedules(db).save({ ...first, cron: '0 8 * * *', count: 3, search: undefined, slotAt: at(MINUTE) }, at(1));
    expect(changed.search).toBeUndefined();
    const reread = await new SqlDigestSchedules(db).get(first.identifier);
    expect(reread).toMatchObject({ cron: '0 8 * * *', count: 3, slotAt: at(MINUTE), user: first.user });
    expect(await new SqlDigestSchedules(db).remove(first.identifier)).toBe(true);
    expect(await new SqlDigestSchedules(db).get(first.identifier)).toBeUndefined();
    expect(await new SqlDigestSchedules(db).remove(first.identifier)).toBe(false);
  });

  it('claims a due slot once, for the lease, and again after the lease ran out', async () => {
    const store = new SqlDigestSchedules(db);
    const schedule = newSchedule(at(100 * MINUTE));
    await store.save(schedule, t0);
    const mine = (list: { identifier: string }[]) => list.filter((s) => s.identifier === schedule.identifier);
    expect(mine(await store.claimDue(at(99 * MINUTE), 100, 2 * MINUTE))).toEqual([]);
    expect(mine(await store.claimDue(at(100 * MINUTE), 100, 2 * MINUTE))).toHaveLength(1);
    expect(mine(await store.claimDue(at(101 * MINUTE), 100, 2 * MINUTE))).toEqual([]);
    // The instance holding it died: after the lease another takes it.
    expect(mine(await store.claimDue(at(103 * MINUTE), 100, 2 * MINUTE))).toHaveLength(1);
  });

  it('gives each due slot to one of several instances claiming at once', async () => {
    const store = new SqlDigestSchedules(db);
    const slot = at(200 * MINUTE);
    const mine = await Promise.all(Array.from({ length: 20 }, () => store.save(newSchedule(slot), t0)));
    const ids = new Set(mine.map((s) => s.identifier));
    const claims = await Promise.all(Array.from({ length: 6 }, () => new SqlDigestSchedules(db).claimDue(slot, 1000, 2 * MINUTE)));
    const claimed = claims.flat().filter((s) => ids.has(s.identifier)).map((s) => s.identifier);
    expect(claimed.sort()).toEqual([...ids].sort());
  });

  it('moves to the next slot, and ignores a write about a slot the user has since changed', async () => {
    const store = new SqlDigestSchedules(db);
    const schedule = newSchedule(at(300 * MINUTE));
    await store.save(schedule, t0);
    const [claimed] = (await store.claimDue(at(300 * MINUTE), 1000, 2 * MINUTE)).filter((s) => s.identifier === schedule.identifier);
    expect(claimed).toBeDefined();
    await store.advance(schedule.identifier, at(300 * MINUTE), { slotAt: at(1440 * MINUTE), timeZone: 'Asia/Tokyo', reconnectPrompted: true }, at(301 * MINUTE));
    expect(await store.get(schedule.identifier)).toMatchObject({ slotAt: at(1440 * MINUTE), dueAt: at(1440 * MINUTE), timeZone: 'Asia/Tokyo', reconnectPrompted: true });
    // The next slot is not due yet, even though the lease was dropped.
    expect((await store.claimDue(at(302 * MINUTE), 1000, 2 * MINUTE)).filter((s) => s.identifier === schedule.identifier)).toEqual([]);

    // The user changes the schedule while an old slot is being delivered: the old slot's write is ignored.
    await store.save({ ...schedule, slotAt: at(2000 * MINUTE) }, at(303 * MINUTE));
    await store.advance(schedule.identifier, at(1440 * MINUTE), { slotAt: at(3000 * MINUTE), timeZone: 'UTC', reconnectPrompted: false }, at(304 * MINUTE));
    await store.retryLater(schedule.identifier, at(1440 * MINUTE), { dueAt: at(1450 * MINUTE), attempts: 1, firstFailedAt: at(1440 * MINUTE) }, at(304 * MINUTE));
    expect(await store.get(schedule.identifier)).toMatchObject({ slotAt: at(2000 * MINUTE), dueAt: at(2000 * MINUTE), attempts: 0, timeZone: 'Europe/Berlin' });
  });

  it('retries a failed slot later, keeping the slot, and forgets the failures once it moves on', async () => {
    const store = new SqlDigestSchedules(db);
    const schedule = newSchedule(at(400 * MINUTE));
    await store.save(schedule, t0);
    await store.claimDue(at(400 * MINUTE), 1000, 2 * MINUTE);
    await store.retryLater(schedule.identifier, at(400 * MINUTE), { dueAt: at(405 * MINUTE), attempts: 1, firstFailedAt: at(400 * MINUTE) }, at(400 * MINUTE));
    const mine = (list: { identifier: string }[]) => list.filter((s) => s.identifier === schedule.identifier);
    expect(mine(await store.claimDue(at(404 * MINUTE), 1000, 2 * MINUTE))).toEqual([]);
    const [again] = mine(await store.claimDue(at(405 * MINUTE), 1000, 2 * MINUTE));
    expect(again).toMatchObject({ slotAt: at(400 * MINUTE), dueAt: at(405 * MINUTE), attempts: 1, firstFailedAt: at(400 * MINUTE) });
    await store.advance(schedule.identifier, at(400 * MINUTE), { slotAt: at(1840 * MINUTE), timeZone: 'Europe/Berlin', reconnectPrompted: false }, at(406 * MINUTE));
    const moved = await store.get(schedule.identifier);
    expect(moved).toMatchObject({ attempts: 0, slotAt: at(1840 * MINUTE) });
    expect(moved?.firstFailedAt).toBeUndefined();
  });

  it('does not deliver a paused schedule; resuming sets the next slot', async () => {
    const store = new SqlDigestSchedules(db);
    const schedule = newSchedule(at(500 * MINUTE));
    await store.save(schedule, t0);
    expect(await store.setPaused(schedule.identifier, true, undefined, t0)).toBe(true);
    const mine = (list: { identifier: string }[]) => list.filter((s) => s.identifier === schedule.identifier);
    expect(mine(await store.claimDue(at(600 * MINUTE), 1000, 2 * MINUTE))).toEqual([]);
    expect(await store.get(schedule.identifier)).toMatchObject({ paused: true });
    await store.setPaused(schedule.identifier, false, { slotAt: at(700 * MINUTE), timeZone: 'America/New_York' }, at(600 * MINUTE));
    expect(mine(await store.claimDue(at(699 * MINUTE), 1000, 2 * MINUTE))).toEqual([]);
    expect(mine(await store.claimDue(at(700 * MINUTE), 1000, 2 * MINUTE))).toMatchObject([{ paused: false, timeZone: 'America/New_York' }]);
    expect(await store.setPaused('slack:T:T1:nobody', true, undefined, t0)).toBe(false);
  });
});
