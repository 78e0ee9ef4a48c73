/**
 * A kept request that runs out of time, as the user sees it, through the real bot on a clock the
 * test moves: 15 minutes after /unread asked them to connect, the bot tells them in their DM that
 * the request was dropped; connecting afterwards (from the App Home) does not run it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';

const SWEEP_MS = 100;
let h: Harness;
let offsetMs = 0;
const textOf = (body: unknown) => `${String((body as { text?: unknown }).text)} ${JSON.stringify((body as { blocks?: unknown }).blocks ?? [])}`;
const isDmTo = (user: string, match: (text: string) => boolean) => (a: Arrival): a is RecordedCall =>
  a.kind === 'call' && a.method === 'chat.postMessage' && a.body.channel === `D${user}` && match(textOf(a.body));
const dmsTo = (user: string, match: (text: string) => boolean) => h.slack.calls.filter((c) => isDmTo(user, match)(c));

beforeAll(async () => {
  h = await startHarness({}, { now: () => new Date(Date.now() + offsetMs), keptRequestSweepMs: SWEEP_MS });
  h.gmail.addMessage({ from: 'Bob <bob@example.com>', subject: 'Lunch?', date: new Date(Date.now() - 60_000), snippet: 'Are you free at noon?' });
});
afterAll(async () => {
  await h?.close();
});

describe('a kept request that expires', () => {
  const user = 'U0LATE';

  it('is dropped after 15 minutes and the user is told so in their DM, once', async () => {
    await h.unread(user);
    await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    // Sweeps run meanwhile; a minute short of the limit, the request is still kept and nothing is said.
    offsetMs = 14 * 60_000;
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 4));
    expect(dmsTo(user, (text) => /dropped/.test(text))).toEqual([]);

    offsetMs = 15 * 60_000 + 1_000;
    const told = await h.slack.waitFor(isDmTo(user, (text) => /dropped/.test(text)));
    expect(String(told.body.text)).toBe(
      'I dropped your request to show your unread email: Gmail was not connected within 15 minutes. ' +
        'Connecting now will not run it; once Gmail is connected, just ask again.',
    );
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 4));
    expect(dmsTo(user, (text) => /dropped/.test(text))).toHaveLength(1);
  });

  it('does not run when the user connects afterwards', async () => {
    h.slack.reset();
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'home_connect:gmail', userId: user, teamId: TEAM, value: 'gmail' });
    const dm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect((await h.connect(authorizationLinkIn(dm))).status).toBe(200);
    await h.slack.waitFor(isDmTo(user, (text) => text.startsWith('Connected Gmail')));
    expect(h.scalekit.getAccount('gmail', h.identifierOf(user))?.status).toBe('ACTIVE');
    // Let the after-connect step and several sweeps run: the dropped /unread is not answered.
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 6));
    expect(dmsTo(user, (text) => text.includes('Lunch?'))).toEqual([]);
    expect(h.gmail.requests).toEqual([]);
  });
});
