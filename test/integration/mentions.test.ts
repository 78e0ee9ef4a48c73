/** @-mentions through the real bot: same action as /unread, answered privately; help otherwise; each event once. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendEvent } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';

let h: Harness;
let events = 0;
const isCall = (method: string) => (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method;

function mention(text: string, user = 'U0MIA', extra: { eventId?: string; retryNum?: number } = {}) {
  const eventId = extra.eventId ?? `Ev${++events}`;
  return sendEvent(
    `${h.botUrl}/slack/events`,
    SIGNING_SECRET,
    { type: 'app_mention', user, text, channel: 'C0GENERAL', ts: `${Date.now() / 1000}` },
    { eventId, teamId: TEAM, ...(extra.retryNum !== undefined ? { retryNum: extra.retryNum } : {}) },
  );
}

beforeAll(async () => {
  h = await startHarness();
  h.activate('U0MIA');
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  h.activate('U0MIA');
  for (let i = 0; i < 8; i++) {
    h.gmail.addMessage({ from: `Sender ${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: `snippet ${i}` });
  }
});

describe('mentions', () => {
  it('answers "show me last 5 unread emails" with a private summary', async () => {
    const sent = await mention('<@U0BOT> show me last 5 unread emails');
    expect(sent.status).toBe(200);
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(answer.body).toMatchObject({ channel: 'C0GENERAL', user: 'U0MIA' });
    const blocks = JSON.stringify((answer.body as { blocks: unknown }).blocks);
    expect(blocks).toContain('Subject 0');
    expect(blocks).toContain('Subject 4');
    expect(blocks).not.toContain('Subject 5');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('understands "last three unread"', async () => {
    await mention('<@U0BOT> last three unread');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(h.gmail.requests[0]?.query.get('maxResults')).toBe('3');
    expect(JSON.stringify(answer.body)).toContain('Subject 2');
  });

  it('understands "any unread mail?"', async () => {
    await mention('<@U0BOT> any unread mail?');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(JSON.stringify(answer.body)).toContain('Subject 0');
  });

  it('answers anything else with a short help message', async () => {
    await mention('<@U0BOT> what is the weather like?');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(JSON.stringify(answer.body)).toContain('/unread');
    expect(h.gmail.requests).toEqual([]);
  });

  it('handles a redelivered event once', async () => {
    await mention('<@U0BOT> unread', 'U0MIA', { eventId: 'EvSame' });
    await mention('<@U0BOT> unread', 'U0MIA', { eventId: 'EvSame', retryNum: 1 });
    await h.slack.waitFor(isCall('chat.postEphemeral'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.slack.calls.filter((c) => c.method === 'chat.postEphemeral')).toHaveLength(1);
    expect(h.gmail.requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(1);
  });

  it('falls back to a DM when Slack refuses the ephemeral message', async () => {
    h.slack.failNext('chat.postEphemeral', 1, { error: 'channel_not_found' });
    await mention('<@U0BOT> unread');
    const dm = await h.slack.waitFor(isCall('chat.postMessage'));
    expect(dm.body).toMatchObject({ channel: 'DU0MIA' });
  });
});
