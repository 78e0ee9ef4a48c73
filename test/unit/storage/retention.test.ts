/**
 * The retention purge on both databases, with the clock under the test's control: for each table,
 * a row just inside its lifetime stays and one just past it goes; what is still in use stays
 * however old; the purge deletes in batches; on PostgreSQL one instance at a time purges.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROPOSAL_TTL_MS } from '../../../src/actions/alerts/proposals.ts';
import type { Database, Queryable } from '../../../src/infrastructure/storage/database.ts';
import { migrate } from '../../../src/infrastructure/storage/migrations.ts';
import { PostgresDatabase } from '../../../src/infrastructure/storage/postgresDatabase.ts';
import { SqlRetention } from '../../../src/infrastructure/storage/retention.ts';
import { SqlAlertOutbox } from '../../../src/infrastructure/storage/sqlAlertOutbox.ts';
import { SqlAlertProposals } from '../../../src/infrastructure/storage/sqlAlertProposals.ts';
import { SqlAuditLog } from '../../../src/infrastructure/storage/sqlAuditLog.ts';
import { SqlAuthLinkStore } from '../../../src/infrastructure/storage/sqlAuthLinkStore.ts';
import { SqlAuthSessionStore } from '../../../src/infrastructure/storage/sqlAuthSessionStore.ts';
import { SqlKeptRequestStore } from '../../../src/infrastructure/storage/sqlKeptRequestStore.ts';
import { SqlOAuthFlowStore } from '../../../src/infrastructure/storage/sqlOAuthFlowStore.ts';
import { SqlProcessedEvents } from '../../../src/infrastructure/storage/sqlProcessedEvents.ts';
import { SqlUserDirectory } from '../../../src/infrastructure/storage/sqlUserDirectory.ts';
import { SqlStepEdits } from '../../../src/infrastructure/storage/sqlStepEdits.ts';
import { SqlViewedChannels } from '../../../src/infrastructure/storage/sqlViewedChannels.ts';
import { EDIT_TTL_MS } from '../../../src/actions/agent/edits.ts';
import { VIEWED_CHANNEL_TTL_MS } from '../../../src/actions/agent/viewedChannels.ts';
import { SqlStepApprovals } from '../../../src/infrastructure/storage/sqlStepApprovals.ts';
import { SqlThreadStates } from '../../../src/infrastructure/storage/sqlThreadStates.ts';
import { removalIdOf, SqlWorkspaceRemovals } from '../../../src/infrastructure/storage/sqlWorkspaceRemovals.ts';
import { APPROVAL_TTL_MS } from '../../../src/actions/agent/approvals.ts';
import { THREAD_STATE_TTL_MS } from '../../../src/actions/agent/threadState.ts';
import { DATABASE_KINDS, freshPostgresUrl, openMigrated } from '../../helpers/databases.ts';
import { SqlInstallStates } from '../../../src/infrastructure/storage/sqlInstallStates.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const AUDIT_DAYS = 30;
/** The purge's "now". */
const NOW = new Date('2026-11-25T12:00:00Z');
const alice = { teamId: 'T1', userId: 'U1' };
const ref = { connection: 'gmail', identifier: 'slack:T:T1:U1' };
const later = (moment: Date, ms: number) => new Date(moment.getTime() + ms);

let seeded = 0;
const unique = (prefix: string) => `${prefix}-${++seeded}`;

interface Case {
  name: string;
  lifetimeMs: number;
  table: string;
  key: string;
  /** Stores a row that stopped being needed at `moment` (used, expired, finished, recorded…); gives its key. */
  seed(db: Database, moment: Date): Promise<string>;
}

const CASES: Case[] = [
  {
    name: "an uninstalled workspace's removal record: a day after the removal was finished",
    lifetimeMs: DAY,
    table: 'workspace_removals',
    key: 'id',
    async seed(db, moment) {
      const removals = new SqlWorkspaceRemovals(db);
      const scope = { kind: 'workspace' as const, teamId: unique('TGONE') };
      await removals.request(scope, later(moment, -MINUTE));
      await removals.finish(removalIdOf(scope), moment);
      return removalIdOf(scope);
    },
  },
  {
    name: 'an agent step approval: a day after it expired',
    lifetimeMs: DAY,
    table: 'agent_approvals',
    key: 'id',
    async seed(db, moment) {
      const step = { action: 'gmail.mark_read', input: {}, thread: { channel: 'DU1', threadTs: unique('1700000000') } };
      return (await new SqlStepApprovals(db).keep(alice, step, later(moment, -APPROVAL_TTL_MS))).id;
    },
  },
  {
    name: 'an Edit modal on an agent card: once it expired',
    lifetimeMs: 0,
    table: 'agent_edits',
    key: 'id',
    async seed(db, moment) {
      return (await new SqlStepEdits(db).open(alice, { kind: 'step', id: unique('a') }, { channel: 'DU1', ts: '1.2' }, later(moment, -EDIT_TTL_MS))).id;
    },
  },
  {
    name: 'the channel a user viewed: once it expired',
    lifetimeMs: 0,
    table: 'agent_viewed_channels',
    key: 'user_id',
    async seed(db, moment) {
      const user = { teamId: 'T1', userId: unique('U') };
      await new SqlViewedChannels(db).remember(user, 'C0VIEWED', later(moment, -VIEWED_CHANNEL_TTL_MS));
      return user.userId;
    },
  },
  {
    name: 'an agent conversation state: once it expired',
    lifetimeMs: 0,
    table: 'agent_threads',
    key: 'thread_ts',
    async seed(db, moment) {
      const threadTs = unique('1700000000');
      await new SqlThreadStates(db).put({ channel: 'DU1', threadTs }, alice, {}, later(moment, -THREAD_STATE_TTL_MS));
      return threadTs;
    },
  },
  {
    name: 'a used connect link: a day after use',
    lifetimeMs: DAY,
    table: 'auth_links',
    key: 'token_hash',
    async seed(db, moment) {
      const hash = unique('link');
      const links = new SqlAuthLinkStore(db);
      await links.create(hash, { identifier: ref.identifier, connection: 'gmail', requester: alice, expiresAt: later(moment, 10 * MINUTE) }, later(moment, -5 * MINUTE));
      expect(await links.consume(hash, moment)).toBe(true);
      return hash;
    },
  },
  {
    name: 'an expired connect link: a day after expiry',
    lifetimeMs: DAY,
    table: 'auth_links',
    key: 'token_hash',
    async seed(db, moment) {
      const hash = unique('link');
      await new SqlAuthLinkStore(db).create(hash, { identifier: ref.identifier, connection: 'gmail', requester: alice, expiresAt: moment }, later(moment, -15 * MINUTE));
      return hash;
    },
  },
  {
    name: 'a completed browser session: a day after completion',
    lifetimeMs: DAY,
    table: 'auth_sessions',
    key: 'session_hash',
    async seed(db, moment) {
      const hash = unique('session');
      const sessions = new SqlAuthSessionStore(db);
      const record = { stateHash: `${hash}-state`, identifier: ref.identifier, connection: 'gmail', requester: alice, expiresAt: later(moment, 10 * MINUTE) };
      await sessions.create(hash, record, later(moment, -5 * MINUTE));
      expect(await sessions.complete(hash, record.stateHash, moment)).toBeDefined();
      return hash;
    },
  },
  {
    name: 'an expired browser session: a day after expiry',
    lifetimeMs: DAY,
    table: 'auth_sessions',
    key: 'session_hash',
    async seed(db, moment) {
      const hash = unique('session');
      const record = { stateHash: `${hash}-state`, identifier: ref.identifier, connection: 'gmail', requester: alice, expiresAt: moment };
      await new SqlAuthSessionStore(db).create(hash, record, later(moment, -15 * MINUTE));
      return hash;
    },
  },
  {
    name: 'a used OAuth flow: a day after use',
    lifetimeMs: DAY,
    table: 'oauth_flows',
    key: 'state_hash',
    async seed(db, moment) {
      const hash = unique('flow');
      const flows = new SqlOAuthFlowStore(db);
      await flows.create(hash, { ref, codeVerifier: 'sealed', redirectUri: 'https://bot/cb', expiresAt: later(moment, 10 * MINUTE) }, later(moment, -MINUTE));
      expect(await flows.consume(hash, ref, moment)).toBeDefined();
      return hash;
    },
  },
  {
    name: 'an expired OAuth flow: a day after expiry',
    lifetimeMs: DAY,
    table: 'oauth_flows',
    key: 'state_hash',
    async seed(db, moment) {
      const hash = unique('flow');
      await new SqlOAuthFlowStore(db).create(hash, { ref, codeVerifier: 'sealed', redirectUri: 'https://bot/cb', expiresAt: moment }, later(moment, -10 * MINUTE));
      return hash;
    },
  },
  {
    name: 'a used install state: a day after use',
    lifetimeMs: DAY,
    table: 'slack_install_states',
    key: 'state_hash',
    async seed(db, moment) {
      const hash = unique('install');
      const states = new SqlInstallStates(db);
      await states.issue(hash, '{}', later(moment, -MINUTE), later(moment, 10 * MINUTE));
      expect(await states.consume(hash, moment)).toBe('{}');
      return hash;
    },
  },
  {
    name: 'an expired install state: a day after expiry',
    lifetimeMs: DAY,
    table: 'slack_install_states',
    key: 'state_hash',
    async seed(db, moment) {
      const hash = unique('install');
      await new SqlInstallStates(db).issue(hash, '{}', later(moment, -10 * MINUTE), moment);
      return hash;
    },
  },
  {
    name: 'a decided alert proposal: a day after the decision',
    lifetimeMs: DAY,
    table: 'alert_proposals',
    key: 'id',
    async seed(db, moment) {
      const proposals = new SqlAlertProposals(db);
      const kept = await proposals.keep(alice, { severity: 'warning', text: 'deploy failed', mentionChannel: false }, later(moment, -MINUTE));
      expect((await proposals.decide(kept.id, alice, 'cancel', moment)).ok).toBe(true);
      return kept.id;
    },
  },
  {
    name: 'an expired alert proposal: a day after expiry',
    lifetimeMs: DAY,
    table: 'alert_proposals',
    key: 'id',
    async seed(db, moment) {
      const kept = await new SqlAlertProposals(db).keep(alice, { severity: 'warning', text: 'deploy failed', mentionChannel: false }, later(moment, -PROPOSAL_TTL_MS));
      return kept.id;
    },
  },
  {
    name: 'a processed Slack delivery: a day after it arrived',
    lifetimeMs: DAY,
    table: 'processed_events',
    key: 'key',
    async seed(db, moment) {
      const key = unique('Ev');
      expect(await new SqlProcessedEvents(db).firstSeen(key, moment)).toBe(true);
      return key;
    },
  },
  {
    name: 'a kept request carried out: a week after it finished',
    lifetimeMs: 7 * DAY,
    table: 'kept_requests',
    key: 'id',
    async seed(db, moment) {
      const store = new SqlKeptRequestStore(db);
      const identifier = unique('kept');
      const kept = await store.keep({ identifier, connection: 'gmail', requester: alice, action: 'unread.list', input: {}, expiresAt: later(moment, 15 * MINUTE) }, later(moment, -MINUTE));
      expect(await store.claimWaiting(identifier, 'gmail', later(moment, -30_000))).toHaveLength(1);
      await store.finish(kept.id, 'done', moment);
      return kept.id;
    },
  },
  {
    name: 'a kept request that expired waiting (never claimed): a week after expiry',
    lifetimeMs: 7 * DAY,
    table: 'kept_requests',
    key: 'id',
    async seed(db, moment) {
      const kept = await new SqlKeptRequestStore(db).keep(
        { identifier: unique('kept'), connection: 'gmail', requester: alice, action: 'unread.list', input: {}, expiresAt: moment },
        later(moment, -15 * MINUTE),
      );
      return kept.id;
    },
  },
  {
    name: 'a posted team alert: a week after it was raised',
    lifetimeMs: 7 * DAY,
    table: 'alert_outbox',
    key: 'id',
    async seed(db, moment) {
      const outbox = new SqlAlertOutbox(db);
      const alert = await outbox.enqueue({ raisedBy: alice, channelId: 'C1', severity: 'info', text: 'x', mentionChannel: false, createdAt: moment });
      await outbox.markPosted(alert.id, 'https://slack/p1');
      return alert.id;
    },
  },
  {
    name: 'a team alert given up: a week after it was raised',
    lifetimeMs: 7 * DAY,
    table: 'alert_outbox',
    key: 'id',
    async seed(db, moment) {
      const outbox = new SqlAlertOutbox(db);
      const alert = await outbox.enqueue({ raisedBy: alice, channelId: 'C1', severity: 'info', text: 'x', mentionChannel: false, createdAt: moment });
      await outbox.markFailed(alert.id, 'channel_not_found');
      return alert.id;
    },
  },
  {
    name: `an audit entry: AUDIT_RETENTION_DAYS (here ${AUDIT_DAYS}) after it was recorded`,
    lifetimeMs: AUDIT_DAYS * DAY,
    table: 'audit_log',
    key: 'action',
    async seed(db, moment) {
      const action = unique('test.action');
      await new SqlAuditLog(db).record({ identifier: ref.identifier, slackUserId: 'U1', teamId: 'T1', action, connection: 'gmail', at: moment, outcome: 'ok' });
      return action;
    },
  },
];

async function exists(db: Queryable, table: string, key: string, value: string): Promise<boolean> {
  return (await db.query(`SELECT 1 AS found FROM ${table} WHERE ${key} = $1`, [value])).length === 1;
}

/** The database, counting the DELETE statements sent through it (also on withConnection's connection). */
function countingDeletes(db: Database): { db: Database; deletes: () => number } {
  let deletes = 0;
  const counted = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      if (/^\s*DELETE/i.test(sql)) deletes += 1;
      return q.query(sql, params);
    },
  });
  const wrapped: Database = {
    dialect: db.dialect,
    query: (sql, params) => counted(db).query(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: (work) => db.transaction((tx) => work(counted(tx))),
    withConnection: (work) => db.withConnection((connection) => work(counted(connection))),
    close: () => db.close(),
  };
  return { db: wrapped, deletes: () => deletes };
}

const opened: Database[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

describe.each(DATABASE_KINDS)('the retention purge on $name', (kind) => {
  const open = async () => {
    const db = await openMigrated(kind);
    opened.push(db);
    return db;
  };

  it.each(CASES)('$name: just inside stays, just past goes', async (c) => {
    const db = await open();
    const inside = await c.seed(db, new Date(NOW.getTime() - c.lifetimeMs + 1_000));
    const past = await c.seed(db, new Date(NOW.getTime() - c.lifetimeMs - 1_000));
    const report = await new SqlRetention(db, { auditRetentionDays: AUDIT_DAYS }).purge(NOW);
    expect(await exists(db, c.table, c.key, inside)).toBe(true);
    expect(await exists(db, c.table, c.key, past)).toBe(false);
    expect(report?.[c.table]).toBe(1);
  });

  it('keeps what is still in use, however old', async () => {
    const db = await open();
    const longAgo = new Date(NOW.getTime() - 60 * DAY);
    await new SqlAuthLinkStore(db).create('open-link', { identifier: ref.identifier, connection: 'gmail', requester: alice, expiresAt: later(NOW, MINUTE) }, longAgo);
    const waiting = await new SqlKeptRequestStore(db).keep(
      { identifier: 'waiting', connection: 'gmail', requester: alice, action: 'unread.list', input: {}, expiresAt: later(NOW, MINUTE) },
      longAgo,
    );
    const pending = await new SqlAlertOutbox(db).enqueue({ raisedBy: alice, channelId: 'C1', severity: 'info', text: 'x', mentionChannel: false, createdAt: longAgo });
    const report = await new SqlRetention(db, { auditRetentionDays: AUDIT_DAYS }).purge(NOW);
    expect(Object.values(report ?? { missing: 1 }).every((count) => count === 0)).toBe(true);
    expect(await exists(db, 'auth_links', 'token_hash', 'open-link')).toBe(true);
    expect(await exists(db, 'kept_requests', 'id', waiting.id)).toBe(true);
    expect(await exists(db, 'alert_outbox', 'id', pending.id)).toBe(true);
  });

  it('deletes in batches of the given size until fewer are left', async () => {
    const db = await open();
    const events = new SqlProcessedEvents(db);
    for (let i = 0; i < 5; i++) await events.firstSeen(`old-${i}`, new Date(NOW.getTime() - 2 * DAY));
    await events.firstSeen('fresh', NOW);
    const counting = countingDeletes(db);
    const report = await new SqlRetention(counting.db, { auditRetentionDays: AUDIT_DAYS, batchSize: 2 }).purge(NOW);
    expect(report?.processed_events).toBe(5);
    expect((await db.query('SELECT key FROM processed_events')).map((row) => row.key)).toEqual(['fresh']);
    // processed_events: 2 + 2 + 1; each of the other 13 rules: one statement that finds nothing.
    expect(counting.deletes()).toBe(3 + 13);
  });

  it('forgets a Slack user on request, and stores the same identifier on their next visit', async () => {
    const db = await open();
    const users = new SqlUserDirectory(db);
    const identifier = await users.identifierFor(alice);
    await users.identifierFor({ teamId: 'T1', userId: 'U2' });
    await users.forget(alice);
    expect((await db.query('SELECT user_id FROM slack_users ORDER BY user_id')).map((row) => row.user_id)).toEqual(['U2']);
    expect(await users.identifierFor(alice)).toBe(identifier);
    expect((await db.query('SELECT user_id FROM slack_users ORDER BY user_id')).map((row) => row.user_id)).toEqual(['U1', 'U2']);
  });
});

describe('the retention purge on PostgreSQL with several instances', () => {
  it('does not run while another instance is purging, and runs once it is done', async () => {
    const url = await freshPostgresUrl();
    const first = new PostgresDatabase(url);
    const second = new PostgresDatabase(url);
    opened.push(first, second);
    await migrate(first);
    await new SqlProcessedEvents(first).firstSeen('old', new Date(NOW.getTime() - 2 * DAY));
    // What another instance's purge holds while it runs (see singleRunnerLock in dialect.ts).
    const PURGE_LOCK = 7_214_404;
    const purger = new SqlRetention(second, { auditRetentionDays: AUDIT_DAYS });

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    // The first instance mid-purge: it holds the purge lock on its own session.
    const busy = first.withConnection(async (connection) => {
      const taken = await connection.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [PURGE_LOCK]);
      expect(taken[0]?.taken).toBe(true);
      holding();
      await released;
      await connection.query('SELECT pg_advisory_unlock($1)', [PURGE_LOCK]);
    });
    await held;
    try {
      expect(await purger.purge(NOW)).toBeUndefined();
      expect(await exists(second, 'processed_events', 'key', 'old')).toBe(true);
    } finally {
      release();
      await busy;
    }
    expect((await purger.purge(NOW))?.processed_events).toBe(1);
    expect(await exists(second, 'processed_events', 'key', 'old')).toBe(false);
  });

  it('two instances purging at once delete each row once, and the lock is free afterwards', async () => {
    const url = await freshPostgresUrl();
    const instances = [new PostgresDatabase(url), new PostgresDatabase(url)];
    opened.push(...instances);
    await migrate(instances[0]!);
    const events = new SqlProcessedEvents(instances[0]!);
    for (let i = 0; i < 300; i++) await events.firstSeen(`old-${i}`, new Date(NOW.getTime() - 2 * DAY));
    await events.firstSeen('fresh', NOW);
    const reports = await Promise.all(instances.map((db) => new SqlRetention(db, { auditRetentionDays: AUDIT_DAYS, batchSize: 20 }).purge(NOW)));
    const ran = reports.filter((report) => report !== undefined);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.reduce((sum, report) => sum + (report.processed_events ?? 0), 0)).toBe(300);
    expect((await instances[1]!.query<{ key: string }>('SELECT key FROM processed_events')).map((row) => row.key)).toEqual(['fresh']);
    // Neither left the lock held: each instance can take it again.
    for (const db of instances) expect(await new SqlRetention(db, { auditRetentionDays: AUDIT_DAYS }).purge(NOW)).toBeDefined();
  });
});
