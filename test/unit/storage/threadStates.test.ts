/** Agent conversation state in SQL: kept per thread for its owner, replaced by each turn, expiring, seen by a store opened afterwards. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THREAD_STATE_TTL_MS, type ThreadState } from '../../../src/actions/agent/threadState.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlThreadStates } from '../../../src/infrastructure/storage/sqlThreadStates.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const t0 = new Date('2026-11-25T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const alice = { teamId: 'T1', userId: 'U1' };
const shown = (ids: string[]): ThreadState => ({
  shown: { emails: ids.map((id) => ({ id, threadId: `t${id}`, from: `Sender ${id} <${id}@example.com>` })), mailbox: 'a@example.com', page: { count: 5, nextPageToken: 'next1' } },
});

describe.each(DATABASE_KINDS)('SqlThreadStates on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('gives the latest state of a thread to its owner, through a store opened afterwards', async () => {
    const key = { channel: 'DU1', threadTs: '1.1' };
    await new SqlThreadStates(db).put(key, alice, shown(['a', 'b']), t0);
    await new SqlThreadStates(db).put(key, alice, shown(['c']), at(1_000));
    expect(await new SqlThreadStates(db).get(key, alice, at(2_000))).toEqual(shown(['c']));
    expect(await new SqlThreadStates(db).get({ channel: 'DU1', threadTs: '1.2' }, alice, at(2_000))).toBeUndefined();
  });

  it('is nobody else\'s, and is forgotten after its time', async () => {
    const key = { channel: 'DU1', threadTs: '2.1' };
    await new SqlThreadStates(db).put(key, alice, shown(['a']), t0);
    expect(await new SqlThreadStates(db).get(key, { teamId: 'T1', userId: 'U2' }, at(1))).toBeUndefined();
    expect(await new SqlThreadStates(db).get(key, { teamId: 'T2', userId: 'U1' }, at(1))).toBeUndefined();
    expect(await new SqlThreadStates(db).get(key, alice, at(THREAD_STATE_TTL_MS - 1))).toEqual(shown(['a']));
    expect(await new SqlThreadStates(db).get(key, alice, at(THREAD_STATE_TTL_MS + 1))).toBeUndefined();
  });
});

describe.each(DATABASE_KINDS)('Stop requests in SqlThreadStates on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('tells any store a Stop pressed since a turn began, and keeps the thread\'s state', async () => {
    const key = { channel: 'DU1', threadTs: '3.1' };
    await new SqlThreadStates(db).put(key, alice, shown(['a']), t0);
    expect(await new SqlThreadStates(db).stoppedSince(key, t0)).toBe(false);
    await new SqlThreadStates(db).requestStop(key, alice, at(5_000));
    expect(await new SqlThreadStates(db).stoppedSince(key, at(1_000))).toBe(true);
    expect(await new SqlThreadStates(db).stoppedSince(key, at(6_000))).toBe(false);
    expect(await new SqlThreadStates(db).get(key, alice, at(6_000))).toEqual(shown(['a']));
    const fresh = { channel: 'DU1', threadTs: '3.2' };
    await new SqlThreadStates(db).requestStop(fresh, alice, at(5_000));
    expect(await new SqlThreadStates(db).stoppedSince(fresh, at(5_000))).toBe(true);
    expect(await new SqlThreadStates(db).get(fresh, alice, at(6_000))).toEqual({});
  });
});
