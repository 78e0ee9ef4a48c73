/**
 * An uninstalled workspace's rows, on both databases: every table's rows of the workspace (or org)
 * are deleted, audit entries kept but hidden from reads, other workspaces' rows untouched; the
 * durable removal record is claimed with a lease, retried, and started over by a second uninstall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAccountIdentifier, type SlackUser } from '../../../src/core/slackUser.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlAuditLog } from '../../../src/infrastructure/storage/sqlAuditLog.ts';
import { SqlWorkspaceData } from '../../../src/infrastructure/storage/sqlWorkspaceData.ts';
import { SqlWorkspaceRemovals } from '../../../src/infrastructure/storage/sqlWorkspaceRemovals.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const t0 = new Date('2026-12-01T08:00:00Z');
const MINUTE = 60_000;
const at = (ms: number) => new Date(t0.getTime() + ms);

/**
 * Every table, and whether an uninstall deletes a user's rows in it. A new table fails the test
 * below until it is decided here (and in sqlWorkspaceData.ts).
 */
const DECISIONS: Record<string, 'deleted' | 'hidden' | 'agent-auth port' | 'installation port' | 'no workspace data' | 'bookkeeping'> = {
  slack_users: 'deleted',
  auth_links: 'deleted',
  auth_sessions: 'deleted',
  kept_requests: 'deleted',
  alert_outbox: 'deleted',
  alert_channels: 'deleted',
  alert_proposals: 'deleted',
  digest_schedules: 'deleted',
  agent_threads: 'deleted',
  agent_approvals: 'deleted',
  agent_edits: 'deleted',
  agent_viewed_channels: 'deleted',
  oauth_flows: 'deleted',
  rate_buckets: 'deleted',
  audit_log: 'hidden',
  connected_accounts: 'agent-auth port',
  slack_installations: 'installation port',
  // An install's state is written before Slack says which workspace it is for.
  slack_install_states: 'no workspace data',
  processed_events: 'no workspace data',
  schema_migrations: 'bookkeeping',
  workspace_removals: 'bookkeeping',
};
const DELETED = Object.entries(DECISIONS).filter(([, d]) => d === 'deleted').map(([table]) => table);

let seq = 0;
/** One row in every table for `user` (as the stores write them), and an alert channel for their workspace. */
async function seed(db: Database, user: SlackUser): Promise<void> {
  const identifier = deriveAccountIdentifier(user);
  const e = user.enterpriseId ?? null;
  const { teamId: t, userId: u } = user;
  const n = ++seq;
  const later = at(10 * MINUTE);
  const q = (sql: string, params: unknown[]) => db.query(sql, params);
  await q('INSERT INTO slack_users (scope_id, user_id, team_id, enterprise_id, identifier) VALUES ($1, $2, $3, $4, $5)', [e ?? t, u, t, e, identifier]);
  await q('INSERT INTO auth_links (token_hash, identifier, connection, team_id, enterprise_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [`l${n}`, identifier, 'gmail', t, e, u, t0, later]);
  await q('INSERT INTO auth_sessions (session_hash, state_hash, identifier, connection, team_id, enterprise_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [`s${n}`, `st${n}`, identifier, 'gmail', t, e, u, t0, later]);
  await q("INSERT INTO kept_requests (id, identifier, connection, team_id, enterprise_id, user_id, action, input, status, created_at, expires_at) VALUES ($1, $2, 'gmail', $3, $4, $5, 'unread', '{}', 'waiting', $6, $7)", [`k${n}`, identifier, t, e, u, t0, later]);
  await q("INSERT INTO alert_outbox (id, team_id, enterprise_id, user_id, channel_id, severity, text, mention_channel, created_at, status, next_attempt_at) VALUES ($1, $2, $3, $4, 'C1', 'info', 'deploy', $5, $6, 'pending', $6)", [`a${n}`, t, e, u, false, t0]);
  await q("INSERT INTO alert_channels (team_id, channel_id, set_by, updated_at) VALUES ($1, 'C1', $2, $3) ON CONFLICT (team_id) DO NOTHING", [t, u, t0]);
  await q("INSERT INTO audit_log (identifier, slack_user_id, team_id, action, at, outcome) VALUES ($1, $2, $3, 'unread', $4, 'ok')", [identifier, u, t, t0]);
  await q("INSERT INTO alert_proposals (id, team_id, enterprise_id, user_id, request, created_at, expires_at) VALUES ($1, $2, $3, $4, '{}', $5, $6)", [`p${n}`, t, e, u, t0, later]);
  await q("INSERT INTO digest_schedules (identifier, team_id, enterprise_id, user_id, cron, count, time_zone, paused, slot_at, due_at, reconnect_prompted, created_at, updated_at) VALUES ($1, $2, $3, $4, '0 9 * * *', 5, 'UTC', $5, $6, $6, $5, $6, $6)", [identifier, t, e, u, false, t0]);
  await q("INSERT INTO agent_threads (channel_id, thread_ts, team_id, enterprise_id, user_id, state, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, '{}', $6, $7)", [`D${u}`, `${n}.1`, t, e, u, t0, later]);
  await q("INSERT INTO agent_approvals (id, team_id, enterprise_id, user_id, step, created_at, expires_at) VALUES ($1, $2, $3, $4, '{}', $5, $6)", [`ap${n}`, t, e, u, t0, later]);
  await q("INSERT INTO agent_edits (id, team_id, enterprise_id, user_id, target_kind, target_id, card_channel, card_ts, created_at, expires_at) VALUES ($1, $2, $3, $4, 'step', $5, $6, $7, $8, $9)", [`ed${n}`, t, e, u, `ap${n}`, `D${u}`, `${n}.2`, t0, later]);
  await q("INSERT INTO agent_viewed_channels (team_id, user_id, channel_id, updated_at, expires_at) VALUES ($1, $2, 'C1', $3, $4)", [t, u, t0, later]);
  await q("INSERT INTO connected_accounts (connection, identifier, status, created_at, updated_at) VALUES ('gmail', $1, 'ACTIVE', $2, $2)", [identifier, t0]);
  await q("INSERT INTO oauth_flows (state_hash, connection, identifier, code_verifier, redirect_uri, created_at, expires_at) VALUES ($1, 'gmail', $2, 'sealed', 'http://x', $3, $4)", [`f${n}`, identifier, t0, later]);
  await q('INSERT INTO rate_buckets (key, tokens, at) VALUES ($1, 1, $2)', [`read_mail:${e ?? t}:${u}`, t0]);
  await q('INSERT INTO processed_events (key, expires_at) VALUES ($1, $2)', [`event:Ev${n}`, later]);
}

/** The tables holding a row that mentions `marker` (a user id), with how many. */
async function tablesMentioning(db: Database, marker: string): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const table of Object.keys(DECISIONS)) {
    const rows = await db.query(`SELECT * FROM ${table}`);
    const count = rows.filter((row) => JSON.stringify(row).includes(marker)).length;
    if (count > 0) found[table] = count;
  }
  return found;
}

async function tableNames(db: Database): Promise<string[]> {
  const rows = db.dialect.name === 'sqlite'
    ? await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    : await db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'");
  return rows.map((row) => row.name).sort();
}

describe.each(DATABASE_KINDS)('workspace removal on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('has decided, for every table, what an uninstall does to its rows', async () => {
    expect(await tableNames(db)).toEqual(Object.keys(DECISIONS).sort());
  });

  it("deletes a workspace's rows in every table, hides its audit entries, and leaves another workspace alone", async () => {
    const gone = { teamId: 'TGONE', userId: 'UGONE1' };
    const kept = { teamId: 'TKEPT', userId: 'UKEPT1' };
    await seed(db, gone);
    await seed(db, { teamId: 'TGONE', userId: 'UGONE2' });
    await seed(db, kept);
    const data = new SqlWorkspaceData(db);
    expect(await data.identifiersIn({ kind: 'workspace', teamId: 'TGONE' })).toEqual(['slack:T:TGONE:UGONE1', 'slack:T:TGONE:UGONE2']);
    const keptBefore = await tablesMentioning(db, 'UKEPT1');

    const report = await data.erase({ kind: 'workspace', teamId: 'TGONE' }, at(MINUTE));

    expect(report.kept_requests).toBe(2);
    // Left: the audit entries (hidden) and the accounts, which the agent-auth port revokes and deletes.
    expect(await tablesMentioning(db, 'UGONE1')).toEqual({ audit_log: 1, connected_accounts: 1 });
    expect(await tablesMentioning(db, 'TGONE')).toEqual({ audit_log: 2, connected_accounts: 2 });
    expect(await new SqlAuditLog(db).recent('slack:T:TGONE:UGONE1', 10)).toEqual([]);
    expect(await tablesMentioning(db, 'UKEPT1')).toEqual(keptBefore);
    expect(DELETED.every((table) => (keptBefore[table] ?? 0) >= 1)).toBe(true);
    expect(await new SqlAuditLog(db).recent('slack:T:TKEPT:UKEPT1', 10)).toHaveLength(1);
    // Erasing again is harmless.
    await data.erase({ kind: 'workspace', teamId: 'TGONE' }, at(2 * MINUTE));
    expect(await tablesMentioning(db, 'UKEPT1')).toEqual(keptBefore);
    // Who is in the directory again (came back after the erase), among the removed ones.
    expect(await data.knownAgain(['slack:T:TGONE:UGONE1', 'slack:T:TKEPT:UKEPT1'])).toEqual(['slack:T:TKEPT:UKEPT1']);
    expect(await data.knownAgain([])).toEqual([]);
  });

  it('removes a whole org for an org-wide uninstall, every workspace of it, and nothing of another org', async () => {
    await seed(db, { teamId: 'TORGA', enterpriseId: 'EGONE', userId: 'UORG1' });
    await seed(db, { teamId: 'TORGB', enterpriseId: 'EGONE', userId: 'UORG2' });
    await seed(db, { teamId: 'TOTHER', enterpriseId: 'EKEPT', userId: 'UORG3' });
    const data = new SqlWorkspaceData(db);
    expect(await data.identifiersIn({ kind: 'org', enterpriseId: 'EGONE' })).toEqual(['slack:E:EGONE:UORG1', 'slack:E:EGONE:UORG2']);

    await data.erase({ kind: 'org', enterpriseId: 'EGONE' }, at(MINUTE));

    for (const marker of ['UORG1', 'UORG2']) expect(await tablesMentioning(db, marker)).toEqual({ audit_log: 1, connected_accounts: 1 });
    expect(await db.query("SELECT team_id FROM alert_channels WHERE team_id IN ('TORGA', 'TORGB')")).toEqual([]);
    expect(Object.keys(await tablesMentioning(db, 'UORG3')).sort()).toEqual([...DELETED, 'audit_log', 'connected_accounts'].sort());
  });

  it('for one workspace of an org still served elsewhere, removes that workspace\'s rows and keeps the org users\' own', async () => {
    await seed(db, { teamId: 'TGRID1', enterpriseId: 'EGRID', userId: 'UGRID1' });
    await new SqlWorkspaceData(db).erase({ kind: 'workspace', teamId: 'TGRID1', enterpriseId: 'EGRID' }, at(MINUTE));
    // The org-wide ones: the directory row, the budget, a flow in progress, and the account.
    expect(await tablesMentioning(db, 'UGRID1')).toEqual({ slack_users: 1, rate_buckets: 1, oauth_flows: 1, audit_log: 1, connected_accounts: 1 });
    expect(await new SqlAuditLog(db).recent('slack:E:EGRID:UGRID1', 10)).toEqual([]);
  });

  it('keeps a removal until it is finished: claimed with a lease, retried later, started over by a second uninstall', async () => {
    const removals = new SqlWorkspaceRemovals(db);
    await removals.request({ kind: 'workspace', teamId: 'TR1', enterpriseId: 'ER1' }, t0);
    await removals.request({ kind: 'workspace', teamId: 'TR1', enterpriseId: 'ER1' }, t0); // Slack's retry: one row
    const [claimed, ...others] = await removals.claimDue(t0, 5 * MINUTE, 10);
    expect(others).toEqual([]);
    expect(claimed).toMatchObject({ id: 'T:TR1', scope: { kind: 'workspace', teamId: 'TR1', enterpriseId: 'ER1' }, planned: false, erased: false, identifiers: [], attempts: 1 });
    // Leased: nobody else takes it meanwhile; a dead instance's lease runs out.
    expect(await removals.claimDue(at(MINUTE), 5 * MINUTE, 10)).toEqual([]);
    expect(await removals.claimDue(at(6 * MINUTE), 5 * MINUTE, 10)).toHaveLength(1);

    await removals.planned('T:TR1', { kind: 'org', enterpriseId: 'ER1' }, ['slack:E:ER1:U1', 'slack:E:ER1:U2']);
    await removals.erased('T:TR1', at(6 * MINUTE));
    await removals.retryLater('T:TR1', ['slack:E:ER1:U2'], at(20 * MINUTE), 'UPSTREAM_UNAVAILABLE');
    expect(await removals.claimDue(at(19 * MINUTE), 5 * MINUTE, 10)).toEqual([]);
    const [again] = await removals.claimDue(at(20 * MINUTE), 5 * MINUTE, 10);
    expect(again).toMatchObject({ scope: { kind: 'org', enterpriseId: 'ER1' }, planned: true, erased: true, identifiers: ['slack:E:ER1:U2'], attempts: 3 });

    // Uninstalled again before it finished: planned anew, the accounts left still on the list.
    await removals.request({ kind: 'workspace', teamId: 'TR1' }, at(21 * MINUTE));
    const [restarted] = await removals.claimDue(at(21 * MINUTE), 5 * MINUTE, 10);
    expect(restarted).toMatchObject({ scope: { kind: 'workspace', teamId: 'TR1' }, planned: false, erased: false, identifiers: ['slack:E:ER1:U2'] });
    await removals.finish('T:TR1', at(22 * MINUTE));
    expect(await removals.claimDue(at(60 * MINUTE), 5 * MINUTE, 10)).toEqual([]);
  });
});
