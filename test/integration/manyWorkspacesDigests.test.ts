/**
 * Scheduled digests when serving many workspaces: each one is read, and DMed, with its own
 * workspace's token, at the time its owner set, also for two people with the same user id in two
 * workspaces. Through the real bot, with a clock the test moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, type Harness } from '../helpers/botHarness.ts';
import { install, manyWorkspaces } from '../helpers/installFlow.ts';
import { commandAnswer, sendSlashCommand } from '../helpers/slackRequests.ts';

let h: Harness;
let clock = new Date('2026-11-30T12:00:00Z'); // a Monday
let commands = 0;

async function at(iso: string): Promise<void> {
  const passes = h.logs.nextLines('digest pass done', 2, 'the digest runner made no pass');
  clock = new Date(iso);
  // Two more passes: the first may have started before the clock moved.
  await passes;
}

const digest = async (teamId: string, userId: string, text: string) => {
  const responseUrl = h.slack.responseUrl(`mwd${++commands}`);
  const sent = await sendSlashCommand(`${h.botUrl}/slack/events`, SIGNING_SECRET, { command: '/digest', text, userId, teamId, channelId: 'C0GENERAL', responseUrl });
  return JSON.stringify((await commandAnswer(h.slack, { ...sent, responseUrl })).body);
};

beforeAll(async () => {
  h = await startHarness((slack) => manyWorkspaces(slack), { now: () => clock, bot: { digestCheckMs: 5 } });
  h.gmail.addMessage({ from: 'Boss <boss@example.com>', subject: 'Quarterly plan', date: new Date('2026-11-30T10:00:00Z'), snippet: 'see attached' });
});
afterAll(async () => {
  await h?.close();
});

describe('scheduled digests, many workspaces', () => {
  it('delivers each workspace\'s digest with its own token', async () => {
    for (const teamId of ['T0DIGA', 'T0DIGB']) {
      expect((await install(h.botUrl, h.slack, { teamId })).done.status).toBe(200);
      const token = `ya29.digest-${teamId}`;
      h.scalekit.setAccount(h.config.gmail.connectionName, `slack:T:${teamId}:U0SAME`, { status: 'ACTIVE', accessToken: token, expiresAt: new Date('2030-01-01T00:00:00Z') });
      h.gmail.allowToken(token);
    }
    const tokenOf = (teamId: string) => [...h.slack.install.tokens.values()].find((t) => t.teamId === teamId)?.token;
    expect(await digest('T0DIGA', 'U0SAME', 'every day at 9:00')).toContain('Done');
    expect(await digest('T0DIGB', 'U0SAME', 'every day at 10:00')).toContain('Done');

    await at('2026-12-01T08:00:30Z'); // 9:00 in Berlin: Alpha's only
    const digests = () => h.slack.history.filter((c) => c.method === 'chat.postMessage' && String(c.body.text).startsWith('Your scheduled digest'));
    expect(digests().map((c) => c.token)).toEqual([tokenOf('T0DIGA')]);
    await at('2026-12-01T09:00:30Z');
    expect(digests().map((c) => c.token)).toEqual([tokenOf('T0DIGA'), tokenOf('T0DIGB')]);
    // users.info (the time zone, a departure) asked of each workspace with its own token too.
    const lookups = h.slack.history.filter((c) => c.method === 'users.info');
    expect(lookups.length).toBeGreaterThan(0);
    expect(lookups.every((c) => c.token === tokenOf('T0DIGA') || c.token === tokenOf('T0DIGB'))).toBe(true);
  });
});
