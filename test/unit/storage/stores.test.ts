import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { migrate } from '../../../src/infrastructure/storage/migrations.ts';
import { SqlAuthLinkStore } from '../../../src/infrastructure/storage/sqlAuthLinkStore.ts';
import { SqlAuthSessionStore } from '../../../src/infrastructure/storage/sqlAuthSessionStore.ts';
import { SqlKeptRequestStore } from '../../../src/infrastructure/storage/sqlKeptRequestStore.ts';
import { SqlProcessedEvents } from '../../../src/infrastructure/storage/sqlProcessedEvents.ts';
import { SqlUserDirectory } from '../../../src/infrastructure/storage/sqlUserDirectory.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const t0 = new Date('2026-11-25T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const alice = { teamId: 'T1', userId: 'U1' };

describe.each(DATABASE_KINDS)('stores on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  describe('migrations', () => {
    it('apply once', async () => {
      expect(await migrate(db)).toEqual([]);
    });
  });

  describe('SqlUserDirectory', () => {
    it('maps a user to a stable identifier, scoped by workspace or Grid org', async () => {
      const users = new SqlUserDirectory(db);
      const first = await users.identifierFor(alice);
      expect(first).toBe('slack:T:T1:U1');
      expect(await new SqlUserDirectory(db).identifierFor(alice)).toBe(first);
      expect(await users.identifierFor({ teamId: 'T2', userId: 'U1' })).not.toBe(first);
      const grid1 = await users.identifierFor({ teamId: 'T3', enterpriseId: 'E1', userId: 'W1' });
      const grid2 = await users.identifierFor({ teamId: 'T4', enterpriseId: 'E1', userId: 'W1' });
      expect(grid1).toBe(grid2);
    });
  });

  describe('SqlKeptRequestStore', () => {
    it('hands each waiting request out once and skips expired ones', async () => {
      const store = new SqlKeptRequestStore(db);
      const base = { identifier: 'id-k', connection: 'gmail', requester: alice, action: 'unread.list' };
      await store.keep({ ...base, input: { count: 5 }, expiresAt: at(15 * 60_000) }, t0);
      await store.keep({ ...base, input: { count: 7 }, expiresAt: at(60_000) }, t0);
      const claimed = await store.claimWaiting('id-k', 'gmail', at(120_000));
      expect(claimed.map((r) => r.input)).toEqual([{ count: 5 }]);
      expect(claimed[0]?.requester).toEqual(alice);
      expect(await store.claimWaiting('id-k', 'gmail', at(120_000))).toEqual([]);
      // The expired one is taken once, to tell its requester, and is never claimed.
      const expired = await store.expireDue(at(120_000));
      expect(expired.map((r) => [r.input, r.requester])).toEqual([[{ count: 7 }, alice]]);
      expect(await store.expireDue(at(120_000))).toEqual([]);
      expect(await store.claimWaiting('id-k', 'gmail', at(120_000))).toEqual([]);
    });
  });

  describe('SqlKeptRequestStore threads', () => {
    it('keeps the conversation thread a request was asked in, and none for one asked elsewhere', async () => {
      const store = new SqlKeptRequestStore(db);
      const base = { connection: 'gmail', requester: alice, action: 'unread.list', input: {}, expiresAt: at(15 * 60_000) };
      await store.keep({ ...base, identifier: 'id-thread', replyIn: { channel: 'DU1', threadTs: '1700000000.000100' } }, t0);
      await store.keep({ ...base, identifier: 'id-plain' }, t0);
      const [inThread] = await store.claimWaiting('id-thread', 'gmail', at(1_000));
      const [plain] = await store.claimWaiting('id-plain', 'gmail', at(1_000));
      expect(inThread?.replyIn).toEqual({ channel: 'DU1', threadTs: '1700000000.000100' });
      expect(plain).not.toHaveProperty('replyIn');
      for (const done of [inThread, plain]) await store.finish(done!.id, 'done', at(2_000));
    });
  });

  describe('SqlKeptRequestStore leases', () => {
    it('lets another instance take over a request whose runner died', async () => {
      const store = new SqlKeptRequestStore(db);
      const base = { identifier: 'id-lease', connection: 'gmail', requester: alice, action: 'unread.list', input: { count: 1 } };
      await store.keep({ ...base, expiresAt: at(15 * 60_000) }, t0);
      expect(await store.accountsAwaiting(at(1000))).toEqual([{ identifier: 'id-lease', connection: 'gmail' }]);
      const first = await store.claimWaiting('id-lease', 'gmail', at(1000), 60_000);
      expect(first).toHaveLength(1);
      // Still leased: nobody else takes it, and it is not reported as awaiting.
      expect(await store.claimWaiting('id-lease', 'gmail', at(30_000), 60_000)).toEqual([]);
      expect(await store.accountsAwaiting(at(30_000))).toEqual([]);
      // The lease ran out without a finish: the runner died.
      expect(await store.accountsAwaiting(at(62_000))).toEqual([{ identifier: 'id-lease', connection: 'gmail' }]);
      const again = await store.claimWaiting('id-lease', 'gmail', at(62_000), 60_000);
      expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
      await store.finish(first[0]!.id, 'done', at(63_000));
      expect(await store.accountsAwaiting(at(200_000))).toEqual([]);
    });
  });

  describe('SqlAuthLinkStore', () => {
    it('lets a link be used once and only before it expires', async () => {
      const links = new SqlAuthLinkStore(db);
      const record = { identifier: 'id-l', connection: 'gmail', requester: alice, expiresAt: at(10 * 60_000) };
      await links.create('hash-1', record, t0);
      expect(await links.peek('hash-1', at(1000))).toMatchObject({ identifier: 'id-l', requester: alice });
      expect(await links.consume('hash-1', at(1000))).toBe(true);
      expect(await links.consume('hash-1', at(2000))).toBe(false);
      expect(await links.peek('hash-1', at(2000))).toBeUndefined();
      await links.create('hash-2', record, t0);
      expect(await links.peek('hash-2', at(11 * 60_000))).toBeUndefined();
      expect(await links.consume('hash-2', at(11 * 60_000))).toBe(false);
    });
  });

  describe('SqlAuthSessionStore', () => {
    it('completes a session once, and only with its own state', async () => {
      const sessions = new SqlAuthSessionStore(db);
      await sessions.create('s-1', { stateHash: 'st', identifier: 'id-s', connection: 'gmail', requester: alice, expiresAt: at(60_000) }, t0);
      expect(await sessions.complete('s-1', 'other-state', at(500))).toBeUndefined();
      expect(await sessions.complete('s-1', 'st', at(1000))).toMatchObject({ identifier: 'id-s', stateHash: 'st' });
      expect(await sessions.complete('s-1', 'st', at(2000))).toBeUndefined();
      expect(await sessions.complete('unknown', 'st', at(2000))).toBeUndefined();
    });
  });

  describe('SqlProcessedEvents', () => {
    it('says first seen once per key', async () => {
      const events = new SqlProcessedEvents(db);
      expect(await events.firstSeen('event:Ev1', t0)).toBe(true);
      expect(await events.firstSeen('event:Ev1', at(1000))).toBe(false);
      expect(await events.firstSeen('event:Ev2', at(1000))).toBe(true);
    });

    it('asked together (one statement), says first seen once per key, to the first who asked', async () => {
      const events = new SqlProcessedEvents(db);
      expect(await events.firstSeen('trigger:T0', t0)).toBe(true);
      const answers = await Promise.all(['trigger:T1', 'trigger:T1', 'trigger:T0', 'trigger:T2'].map((key) => events.firstSeen(key, t0)));
      expect(answers).toEqual([true, false, false, true]);
    });
  });
});
