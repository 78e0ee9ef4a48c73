/**
 * Uninstalling through the real bot (HTTP mode, single-workspace, stand-ins over real sockets):
 * users of several workspaces talk to the bot; `app_uninstalled` (or `tokens_revoked` naming the
 * bot) for one of them removes every row the bot kept for it and deletes its users' accounts at
 * Scalekit, while the other workspaces' data stays and they keep working. A user-only revocation
 * changes nothing; a removal Scalekit could not take finishes on a later pass; the event delivered
 * twice (and both events of one uninstall) are harmless.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, type Harness } from '../helpers/botHarness.ts';
import { commandAnswer, sendEvent, sendSlashCommand } from '../helpers/slackRequests.ts';

let h: Harness;
let dir: string;
let offsetMs = 0;
let events = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uninstall-'));
  h = await startHarness(
    { DATABASE_URL: join(dir, 'bot.sqlite'), TEAM_ALERT_CHANNEL: 'C0ALERTS', ALERT_CHANNEL_CONFIGURERS: 'everyone' },
    { now: () => new Date(Date.now() + offsetMs), bot: { workspaceRemovalMs: 100 } },
  );
  h.slack.addChannel({ id: 'C0ALERTS', name: 'alerts' });
  h.gmail.addMessage({ from: 'Bob <bob@example.com>', subject: 'Quarterly numbers', date: new Date(), snippet: 'see attached' });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of every table that names `marker` (a workspace id), by table. */
function rowsNaming(marker: string): Record<string, Array<Record<string, unknown>>> {
  const db = new DatabaseSync(join(dir, 'bot.sqlite'), { readOnly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
    const found: Record<string, Array<Record<string, unknown>>> = {};
    for (const { name } of tables) {
      const rows = (db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>).filter((row) => JSON.stringify(row).includes(marker));
      if (rows.length > 0) found[name] = rows;
    }
    return found;
  } finally {
    db.close();
  }
}
const tablesNaming = (marker: string) => Object.fromEntries(Object.entries(rowsNaming(marker)).map(([table, rows]) => [table, rows.length]));

const identifier = (team: string, user: string, org?: string) => (org ? `slack:E:${org}:${user}` : `slack:T:${team}:${user}`);
let responses = 0;

async function command(team: string, user: string, name: string, text = '', org?: string) {
  const responseUrl = h.slack.responseUrl(`u${++responses}`);
  const sent = await sendSlashCommand(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
    command: name, text, userId: user, teamId: team, channelId: 'C0GENERAL', responseUrl, ...(org ? { enterpriseId: org } : {}),
  });
  expect(sent.status).toBe(200);
  return JSON.stringify((await commandAnswer(h.slack, { ...sent, responseUrl })).body);
}

/**
 * A workspace in use: a connected user who read mail, set a digest, raised an alert and set the
 * workspace's alert channel, and a user
 * who has not connected yet (a kept request, a connect link, a pending account at Scalekit).
 */
async function useWorkspace(team: string, org?: string): Promise<{ connected: string; waiting: string }> {
  const connected = `U${team}A`;
  const waiting = `U${team}B`;
  const token = `ya29.${team}`;
  h.scalekit.setAccount(h.config.gmail.connectionName, identifier(team, connected, org), { status: 'ACTIVE', accessToken: token, expiresAt: new Date(Date.now() + 86_400_000) });
  h.gmail.allowToken(token);
  expect(await command(team, connected, '/unread', '', org)).toContain('Quarterly numbers');
  expect(await command(team, connected, '/digest', 'weekdays 9:00', org)).toMatch(/digest/i);
  await command(team, connected, '/alert', 'deploy failed', org);
  expect(await command(team, connected, '/alert-channel', '#alerts', org)).toMatch(/alerts/);
  expect(await command(team, waiting, '/unread', '', org)).toMatch(/direct message/i);
  await expect.poll(() => tablesNaming(team).kept_requests).toBe(1);
  expect(h.scalekit.getAccount(h.config.gmail.connectionName, identifier(team, waiting, org))).toBeDefined();
  return { connected, waiting };
}

function event(team: string, payload: Record<string, unknown>, eventId = `Ev${++events}`, retryNum?: number, org?: { enterpriseId: string; isEnterpriseInstall: boolean }) {
  return sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, payload, {
    eventId, teamId: team, ...(retryNum === undefined ? {} : { retryNum }), ...(org ?? {}),
  });
}

/** What is left of a removed workspace: its audit entries (hidden from reads) and the removal's own record. */
async function expectRemoved(team: string, users: string[]): Promise<void> {
  await expect.poll(() => Object.keys(tablesNaming(team)).sort(), { timeout: 15_000 }).toEqual(['audit_log', 'workspace_removals']);
  expect(rowsNaming(team).audit_log!.every((row) => row.workspace_removed_at !== null)).toBe(true);
  for (const user of users) {
    await expect.poll(() => h.scalekit.getAccount(h.config.gmail.connectionName, identifier(team, user)), { timeout: 15_000 }).toBeUndefined();
  }
  await expect.poll(() => rowsNaming(team).workspace_removals?.[0]?.done_at ?? null, { timeout: 15_000 }).not.toBeNull();
}

describe('uninstalling the bot from one workspace of several', () => {
  it('app_uninstalled removes every row of that workspace and its accounts at Scalekit; the other workspace is untouched and still works', async () => {
    const gone = await useWorkspace('T1GONE');
    const stay = await useWorkspace('T2STAY');
    const stayBefore = tablesNaming('T2STAY');
    expect(Object.keys(stayBefore)).toEqual(expect.arrayContaining(['slack_users', 'kept_requests', 'auth_links', 'digest_schedules', 'alert_outbox', 'alert_channels', 'audit_log', 'rate_buckets']));

    const sent = await event('T1GONE', { type: 'app_uninstalled' });
    expect(sent.status).toBe(200);
    await expectRemoved('T1GONE', [gone.connected, gone.waiting]);

    expect(tablesNaming('T2STAY')).toEqual(stayBefore);
    expect(h.scalekit.getAccount(h.config.gmail.connectionName, identifier('T2STAY', stay.connected))?.status).toBe('ACTIVE');
    expect(h.scalekit.getAccount(h.config.gmail.connectionName, identifier('T2STAY', stay.waiting))).toBeDefined();
    expect(await command('T2STAY', stay.connected, '/unread')).toContain('Quarterly numbers');
    // A removed workspace's audit entries are kept for their retention and shown to nobody.
    expect(await command('T1GONE', gone.connected, '/actions-log')).not.toMatch(/unread/i);
    // A user of the workspace coming back (a re-install) starts clean, and is stored again.
    expect(tablesNaming('T1GONE').slack_users).toBe(1);
  });

  it('the event delivered twice, and the tokens_revoked that comes with an uninstall, are harmless', async () => {
    const gone = await useWorkspace('T3TWICE');
    const stayBefore = tablesNaming('T2STAY');
    await event('T3TWICE', { type: 'app_uninstalled' }, 'EvTwice');
    await event('T3TWICE', { type: 'app_uninstalled' }, 'EvTwice', 1);
    await event('T3TWICE', { type: 'tokens_revoked', tokens: { oauth: [], bot: ['UBOTT3'] } });
    await expectRemoved('T3TWICE', [gone.connected, gone.waiting]);
    await expect.poll(() => h.logs.text).toContain('skipped a repeated delivery of an event');
    expect(tablesNaming('T2STAY')).toEqual(stayBefore);
    expect(h.logs.text).not.toMatch(/background task failed|periodic task failed|failed half way/);
  });

  it('tokens_revoked for users only changes nothing; naming the bot removes the workspace', async () => {
    const ws = await useWorkspace('T4REVOKE');
    const before = tablesNaming('T4REVOKE');
    const told = h.logs.lines.filter((line) => line.includes('user tokens were revoked')).length;
    await event('T4REVOKE', { type: 'tokens_revoked', tokens: { oauth: [ws.connected, ws.waiting] } });
    await expect.poll(() => h.logs.lines.filter((line) => line.includes('user tokens were revoked')).length).toBe(told + 1);
    expect(tablesNaming('T4REVOKE')).toEqual(before);
    expect(h.scalekit.getAccount(h.config.gmail.connectionName, identifier('T4REVOKE', ws.connected))?.status).toBe('ACTIVE');

    await event('T4REVOKE', { type: 'tokens_revoked', tokens: { oauth: [ws.connected], bot: ['UBOTT4'] } });
    await expectRemoved('T4REVOKE', [ws.connected, ws.waiting]);
  });

  it('an org-wide uninstall removes every workspace of the org, and nothing of another org or workspace', async () => {
    const a = await useWorkspace('TORGA', 'EORGGONE');
    const b = await useWorkspace('TORGB', 'EORGGONE');
    const other = await useWorkspace('TORGC', 'EORGSTAYS');
    const otherBefore = tablesNaming('EORGSTAYS');
    const stayBefore = tablesNaming('T2STAY');
    expect(Object.keys(tablesNaming('TORGA'))).toContain('alert_channels');

    await event('TORGA', { type: 'app_uninstalled' }, undefined, undefined, { enterpriseId: 'EORGGONE', isEnterpriseInstall: true });

    await expect.poll(() => Object.keys(tablesNaming('EORGGONE')).sort(), { timeout: 15_000 }).toEqual(['audit_log', 'workspace_removals']);
    for (const [team, user] of [['TORGA', a.connected], ['TORGA', a.waiting], ['TORGB', b.connected], ['TORGB', b.waiting]] as const) {
      await expect.poll(() => h.scalekit.getAccount(h.config.gmail.connectionName, identifier(team, user, 'EORGGONE')), { timeout: 15_000 }).toBeUndefined();
    }
    await expect.poll(() => rowsNaming('EORGGONE').workspace_removals?.[0]?.done_at ?? null, { timeout: 15_000 }).not.toBeNull();
    // Every workspace of the org, alert channels included (they name only the workspace).
    for (const team of ['TORGA', 'TORGB']) expect(Object.keys(tablesNaming(team))).toEqual(['audit_log']);
    expect(tablesNaming('EORGSTAYS')).toEqual(otherBefore);
    expect(tablesNaming('T2STAY')).toEqual(stayBefore);
    expect(h.scalekit.getAccount(h.config.gmail.connectionName, identifier('TORGC', other.connected, 'EORGSTAYS'))?.status).toBe('ACTIVE');
  });

  it('a removal Scalekit could not take is finished by a later pass', async () => {
    const ws = await useWorkspace('T5DOWN');
    h.scalekit.setDown(true);
    try {
      await event('T5DOWN', { type: 'app_uninstalled' });
      await expect.poll(() => h.logs.text, { timeout: 20_000 }).toContain('could not disconnect every account');
      // The workspace's rows are gone at once; its accounts wait for Scalekit.
      await expect.poll(() => Object.keys(tablesNaming('T5DOWN')).sort()).toEqual(['audit_log', 'workspace_removals']);
      expect(h.scalekit.getAccount(h.config.gmail.connectionName, identifier('T5DOWN', ws.connected))).toBeDefined();
      expect(rowsNaming('T5DOWN').workspace_removals![0]!.done_at).toBeNull();
    } finally {
      h.scalekit.setDown(false);
    }
    offsetMs += 5 * 60_000;
    await expectRemoved('T5DOWN', [ws.connected, ws.waiting]);
  });
});
