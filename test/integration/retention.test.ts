/**
 * Retention through the real bot: at start-up it purges what is past its lifetime (audit entries
 * after AUDIT_RETENTION_DAYS, so /actions-log no longer shows them), and a Disconnect that leaves a
 * user with no connected account removes them from the user directory, with either agent-auth
 * backend; a user with an account left is kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../src/infrastructure/storage/migrations.ts';
import { SqlAuditLog } from '../../src/infrastructure/storage/sqlAuditLog.ts';
import { SqlProcessedEvents } from '../../src/infrastructure/storage/sqlProcessedEvents.ts';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';
import { connectUser, seedInbox } from '../helpers/localFlows.ts';
import { sendBlockAction } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';

const DAY = 24 * 60 * 60_000;
const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);
const isPublish = (user: string, contains: string) => (a: Arrival): a is RecordedCall =>
  a.kind === 'call' && a.method === 'views.publish' && a.body.user_id === user && JSON.stringify(a.body.view).includes(contains);

let dir: string;
let path: string;
let h: Harness;

/** The rows of a table, read beside the running bot (WAL lets a reader in). */
function rowsOf(table: string): Array<Record<string, unknown>> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'retention-'));
  path = join(dir, 'bot.sqlite');
  // Left by an earlier run: one audit entry just past 30 days, one well inside; a Slack delivery from two days ago.
  const seed = await openDatabase(path);
  try {
    await migrate(seed);
    const audit = new SqlAuditLog(seed);
    const entry = { identifier: `slack:T:${TEAM}:U0OLD`, slackUserId: 'U0OLD', teamId: TEAM, connection: 'gmail', outcome: 'ok' as const };
    await audit.record({ ...entry, action: 'gmail.mark_read', at: new Date(Date.now() - 30 * DAY - 60_000) });
    await audit.record({ ...entry, action: 'unread.list', at: new Date(Date.now() - 29 * DAY) });
    await new SqlProcessedEvents(seed).firstSeen('EvTwoDaysOld', new Date(Date.now() - 2 * DAY));
  } finally {
    await seed.close();
  }
  h = await startHarness({ DATABASE_URL: path, AUDIT_RETENTION_DAYS: '30' });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('retention through the real bot', () => {
  it('purges at start-up what is past its lifetime; /actions-log shows what is left and says how long it keeps', async () => {
    await expect.poll(() => h.logs.text).toContain('purged rows past their retention');
    expect(rowsOf('processed_events').map((row) => row.key)).not.toContain('EvTwoDaysOld');
    const log = await h.command('/actions-log', 'U0OLD', '');
    const shown = JSON.stringify((await h.slack.waitFor(isResponse(log.responseUrl))).body);
    expect(shown).toContain('Showed your unread email');
    expect(shown).not.toContain('Marked an email as read');
    expect(shown).toContain('entries are kept for 30 days');
  });

  it('forgets a Slack user (Scalekit) once Disconnect leaves them no connected account, and not before', async () => {
    const user = 'U0BYE';
    h.activate(user);
    h.activateCalendar(user);
    const log = await h.command('/actions-log', user, '');
    await h.slack.waitFor(isResponse(log.responseUrl));
    const known = () => rowsOf('slack_users').filter((row) => row.user_id === user);
    expect(known()).toHaveLength(1);

    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'home_disconnect:gmail', userId: user, teamId: TEAM, value: 'x' });
    await h.slack.waitFor(isPublish(user, 'home_connect:gmail'));
    expect(h.scalekit.getAccount('gmail', h.identifierOf(user))).toBeUndefined();
    // Google Calendar is still connected: the user stays.
    expect(known()).toHaveLength(1);

    const calendar = h.config.calendar.connectionName;
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: `home_disconnect:${calendar}`, userId: user, teamId: TEAM, value: 'x' });
    await h.slack.waitFor(isPublish(user, `home_connect:${calendar}`));
    expect(known()).toEqual([]);

    // Coming back stores them again, under the same identifier.
    const again = await h.command('/actions-log', user, '');
    await h.slack.waitFor(isResponse(again.responseUrl));
    expect(known().map((row) => row.identifier)).toEqual([h.identifierOf(user)]);
  });
});

describe('retention with the built-in backend', () => {
  let local: LocalHarness;
  beforeAll(async () => {
    local = await startLocalHarness();
    seedInbox(local.gmail);
  });
  afterAll(async () => {
    await local?.close();
  });

  it('forgets a Slack user once Disconnect leaves them no connected account', async () => {
    await connectUser(local, 'U0LOCALBYE');
    await connectUser(local, 'U0LOCALSTAY');
    local.slack.reset();
    await sendBlockAction(`${local.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'home_disconnect:gmail', userId: 'U0LOCALBYE', teamId: TEAM, value: 'x' });
    await local.slack.waitFor(isPublish('U0LOCALBYE', 'home_connect:gmail'));
    await local.stopBot();
    const { rows } = await local.rawDatabase();
    expect(rows.slack_users?.map((row) => row.user_id)).toEqual(['U0LOCALSTAY']);
    expect(rows.connected_accounts?.map((row) => row.identifier)).toEqual([local.identifierOf('U0LOCALSTAY')]);
  });
});
