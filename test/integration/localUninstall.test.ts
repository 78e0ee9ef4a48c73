/**
 * Uninstalling with the built-in agent-auth backend, through the real bot against the OAuth
 * stand-in: the removed workspace's users' grants are revoked at the provider's revocation endpoint
 * and their tokens deleted; another workspace's connection stays and still works. A revocation the
 * provider cannot take keeps the account (sealed) and is finished by a later pass.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';
import { connectUser, isDmTo, seedInbox, unreadAnswer } from '../helpers/localFlows.ts';
import { commandAnswer, sendEvent, sendSlashCommand } from '../helpers/slackRequests.ts';

let h: LocalHarness;
let events = 0;

beforeAll(async () => {
  h = await startLocalHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  seedInbox(h.gmail);
});

/** The built-in vault's rows (connected accounts) of a workspace's users. */
function accountsOf(team: string): Array<Record<string, unknown>> {
  const db = new DatabaseSync(join(h.dataDir, 'bot.sqlite'), { readOnly: true });
  try {
    return db.prepare('SELECT identifier, status FROM connected_accounts WHERE identifier LIKE ?').all(`slack:T:${team}:%`) as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** Connects a user of another workspace than the harness's own, through the same provider. */
async function connectIn(team: string, user: string): Promise<void> {
  const responseUrl = h.slack.responseUrl(`${team}-${user}`);
  const sent = await sendSlashCommand(`${h.botUrl}/slack/events`, SIGNING_SECRET, { command: '/unread', text: '', userId: user, teamId: team, channelId: 'C0GENERAL', responseUrl });
  expect(JSON.stringify((await commandAnswer(h.slack, { ...sent, responseUrl })).body)).toMatch(/direct message/i);
  const dm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
  const page = await h.connect(authorizationLinkIn(dm), { as: { userId: user, teamId: team } });
  expect(page.status).toBe(200);
  await h.slack.waitFor(isDmTo(user, (text) => text.includes('Lunch?')));
}

const uninstall = (team: string) => sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'app_uninstalled' }, { eventId: `EvLocal${++events}`, teamId: team });

describe('uninstalling with the built-in backend', () => {
  it("revokes the removed workspace's grants at the provider and deletes its tokens; the other workspace keeps its connection", async () => {
    await connectUser(h, 'U0GONE');
    await connectIn('T0STAYS', 'U0STAYS');
    expect(accountsOf(TEAM)).toHaveLength(1);
    h.provider.reset();

    await uninstall(TEAM);

    await expect.poll(() => accountsOf(TEAM), { timeout: 15_000 }).toEqual([]);
    expect(h.provider.revocations).toHaveLength(1);
    expect(h.provider.issued).toContain(h.provider.revocations[0]);
    expect(accountsOf('T0STAYS')).toEqual([expect.objectContaining({ status: 'ACTIVE' })]);
    const responseUrl = h.slack.responseUrl('stays-after');
    const sent = await sendSlashCommand(`${h.botUrl}/slack/events`, SIGNING_SECRET, { command: '/unread', text: '', userId: 'U0STAYS', teamId: 'T0STAYS', channelId: 'C0GENERAL', responseUrl });
    expect(JSON.stringify((await commandAnswer(h.slack, { ...sent, responseUrl })).body)).toContain('Lunch?');
    expect(h.provider.revocations).toHaveLength(1);
  });

  it('keeps an account the provider could not revoke, and revokes and deletes it on a later pass', async () => {
    await connectIn('T0DOWN', 'U0DOWN');
    h.provider.reset();
    // Every attempt of the OAuth client fails (it tries three times).
    h.provider.failNextToken({ status: 503, body: { error: 'temporarily_unavailable' }, endpoint: 'revoke' }, 3);
    await uninstall('T0DOWN');
    await expect.poll(() => h.logs.text, { timeout: 15_000 }).toContain('could not disconnect every account');
    expect(h.provider.revocations).toEqual([]);
    expect(accountsOf('T0DOWN')).toHaveLength(1);

    h.advance(5 * 60_000);
    await expect.poll(() => accountsOf('T0DOWN'), { timeout: 15_000 }).toEqual([]);
    expect(h.provider.revocations).toHaveLength(1);
    expect(h.provider.issued).toContain(h.provider.revocations[0]);
    // The harness's own workspace was removed above; a user of it starts clean.
    expect(await unreadAnswer(h, 'U0GONE')).toMatch(/direct message/i);
  });
});
