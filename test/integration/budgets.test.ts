/**
 * Each user's allowance per kind of request, through the real bot: over it, the user hears when to
 * try again and nothing goes upstream (no Gmail call, no link or DM, no chat-model call); refused
 * alerts spend it too. And the cap on background work: with Gmail held, at most BACKGROUND_MAX_IN_FLIGHT
 * requests reach it at once, BACKGROUND_MAX_QUEUED wait, and the rest are told the bot is busy.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction, sendEvent } from '../helpers/slackRequests.ts';
import { startLlmStandin, type LlmStandin } from '../standins/llmStandin.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';

const isCall = (method: string, match: (c: RecordedCall) => boolean = () => true) => (a: Arrival): a is RecordedCall =>
  a.kind === 'call' && a.method === method && match(a);
const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);
const textOf = (body: unknown) => JSON.stringify(body);
const OVER_BUDGET = /asked me for this a lot in a short time, so I haven't done it; please try again in an hour or so/;

describe('budgets per user', () => {
  let h: Harness;
  let llm: LlmStandin;
  let events = 0;

  beforeAll(async () => {
    llm = await startLlmStandin();
    h = await startHarness({
      READ_RATE_BURST: '2',
      READ_RATE_REFILL_SECONDS: '3600',
      LINK_RATE_BURST: '1',
      LINK_RATE_REFILL_SECONDS: '3600',
      LLM_RATE_BURST: '1',
      LLM_RATE_REFILL_SECONDS: '3600',
      ALERT_RATE_BURST: '1',
      ALERT_RATE_REFILL_SECONDS: '3600',
      LLM_BASE_URL: llm.url,
      LLM_API_KEY: 'sk-budget-test-key-0123456789',
      LLM_MODEL: 'standin-model',
    });
  });
  afterAll(async () => {
    await h?.close();
    await llm?.close();
  });
  beforeEach(() => {
    h.slack.reset();
    h.gmail.reset();
  });

  it('answers /unread over the reading budget clearly, without calling Gmail', async () => {
    h.activate('U0READ');
    h.gmail.addMessage({ from: 'A <a@example.com>', subject: 'Hello', date: new Date(), snippet: 's' });
    for (let i = 0; i < 2; i++) {
      const sent = await h.unread('U0READ');
      expect(textOf((await h.answerOf(sent)).body)).toContain('Hello');
    }
    const gmailCalls = h.gmail.requests.length;
    expect(gmailCalls).toBeGreaterThan(0);
    const over = await h.unread('U0READ');
    expect(over.status).toBe(200);
    expect(textOf((await h.answerOf(over)).body)).toMatch(OVER_BUDGET);
    expect(h.gmail.requests.length).toBe(gmailCalls);
    // Another user's allowance is their own.
    h.activate('U0OTHER');
    const other = await h.unread('U0OTHER');
    expect(textOf((await h.answerOf(other)).body)).toContain('Hello');
  });

  it('mints no link and sends no DM for a Home Connect click over the link budget', async () => {
    const press = () => sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'home_connect:gmail', userId: 'U0LINK', teamId: TEAM, value: 'x' });
    await press();
    const dm = await h.slack.waitFor(isCall('chat.postMessage'));
    expect(textOf(dm.body)).toContain('/connect/');
    await press();
    const published = await h.slack.waitFor(isCall('views.publish'));
    expect(published.body.user_id).toBe('U0LINK');
    expect(textOf(published.body.view)).toMatch(/several connect links in a short time; please try again in an hour or so/);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('spends the alert budget on refused attempts, so an unknown channel is not looked up again and again', async () => {
    const first = await h.command('/alert', 'U0ALERT', '#no-such-channel disk full');
    expect(textOf((await h.slack.waitFor(isResponse(first.responseUrl))).body)).toContain("couldn't find a channel called #no-such-channel");
    const lookups = h.slack.calls.filter((c) => c.method === 'conversations.list').length;
    expect(lookups).toBeGreaterThan(0);
    const second = await h.command('/alert', 'U0ALERT', '#no-such-channel disk full');
    expect(textOf((await h.slack.waitFor(isResponse(second.responseUrl))).body)).toContain('several alerts in a short time');
    expect(h.slack.calls.filter((c) => c.method === 'conversations.list')).toHaveLength(lookups);
  });

  it('does not call the chat model for a mention over the model budget', async () => {
    h.activate('U0CHAT');
    const mention = (text: string) =>
      sendEvent(
        `${h.botUrl}/slack/events`,
        SIGNING_SECRET,
        { type: 'app_mention', user: 'U0CHAT', text, channel: 'C0GENERAL', ts: `${Date.now() / 1000}` },
        { eventId: `EvBudget${++events}`, teamId: TEAM },
      );
    llm.requests.length = 0;
    await mention('<@U0BOT> help');
    await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(llm.requests).toHaveLength(1);
    h.slack.reset();
    await mention('<@U0BOT> help');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(textOf(answer.body)).toMatch(OVER_BUDGET);
    expect(llm.requests).toHaveLength(1);
  });
});

describe('the cap on background work', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ BACKGROUND_MAX_IN_FLIGHT: '2', BACKGROUND_MAX_QUEUED: '1' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs at most the cap at once, queues a few, and tells the rest the bot is busy', async () => {
    const users = ['U0CAP1', 'U0CAP2', 'U0CAP3', 'U0CAP4', 'U0CAP5'];
    for (const user of users) h.activate(user);
    h.gmail.addMessage({ from: 'A <a@example.com>', subject: 'Queued mail', date: new Date(), snippet: 's' });
    const release = h.gmail.hold();
    const sent = [];
    for (const user of users) sent.push(await h.unread(user));
    // Two run (held at Gmail), one waits; the last two are refused at once.
    for (const refused of sent.slice(3)) {
      expect(textOf((await h.answerOf(refused)).body)).toContain("couldn't take that one on; nothing was done");
    }
    await expect.poll(() => h.gmail.inFlight).toBe(2);
    release();
    for (const answered of sent.slice(0, 3)) {
      expect(textOf((await h.answerOf(answered)).body)).toContain('Queued mail');
    }
    expect(h.gmail.maxInFlight).toBe(2);
  });
});
