/**
 * Faults injected through the stand-ins: 429 with Retry-After, 500 and 503, hanging past the
 * timeout, connection resets. Every request ends with the right answer or a clear message to the
 * user, within a bound; nothing is left unhandled.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/botHarness.ts';
import { delivered, type Arrival, type RecordedCall, type RecordedResponse } from '../standins/slackApi.ts';

let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const USER = 'U0FAULT';

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // Hangs are given up on after 2 s rather than the production 5 s (Gmail, Calendar) and 8 s (Scalekit).
  h = await startHarness({ INLINE_ANSWER_MS: "0" }, { bot: { upstreamTimeoutMs: 2_000 } });
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h?.close();
});
/** The generic answer for a bug of ours: a fault upstream must never be answered with it. */
const INTERNAL = /something went wrong on my side/i;
const GMAIL_DOWN = /Gmail isn't answering right now; nothing was lost, please try again in a minute/;
const GMAIL_BUSY = /Gmail is busy and asked me to slow down; please try again/;
const AGENT_AUTH_DOWN = /The service I use to reach Gmail isn't answering right now; nothing was lost/;

beforeEach(async () => {
  // Idle first: the previous test's retries and fallbacks land before its records and failures go.
  await h.settle();
  h.gmail.reset();
  h.scalekit.setDown(false);
  h.scalekit.setDelay(0);
  h.activate(USER);
  h.gmail.addMessage({ from: 'Ann <ann@example.com>', subject: 'Status report', date: new Date(), snippet: 'all good' });
});

/**
 * Runs /unread and returns what the user was finally told: inside the acknowledgement, or the
 * first delivery Slack accepted, on the response_url or in the user's DM (failed posts are
 * recorded as failed and skipped), with where it went.
 */
async function unreadOutcome(timeoutMs = 30_000): Promise<{ to: 'ack' | 'response_url' | 'dm'; text: string; answered: boolean }> {
  const sent = await h.unread(USER);
  expect(sent.status).toBe(200);
  if (sent.body.length > 0) {
    expect(sent.body).not.toMatch(/\bat \S+\.ts:\d+|Error:|ECONN|undefined/);
    expect(sent.body).not.toMatch(INTERNAL);
    return { to: 'ack', text: sent.body, answered: sent.body.includes('Status report') };
  }
  const told = (await h.slack.waitFor(
    (a: Arrival) =>
      delivered(a) &&
      ((a.kind === 'response' && sent.responseUrl.endsWith(a.path)) ||
        (a.kind === 'call' && a.method === 'chat.postMessage' && a.body.channel === `D${USER}`)),
    timeoutMs,
  )) as RecordedResponse | RecordedCall;
  const body = JSON.stringify(told.body);
  expect(body).not.toMatch(/\bat \S+\.ts:\d+|Error:|ECONN|undefined/);
  expect(body).not.toMatch(INTERNAL);
  return { to: told.kind === 'response' ? 'response_url' : 'dm', text: body, answered: body.includes('Status report') };
}

/** The response_url post that failed, recorded with the status the stand-in gave it. */
const failedResponses = () => h.slack.responses.filter((r) => r.status !== 200);
const callsOf = (method: string) => h.slack.calls.filter((c) => c.method === method);

describe('Gmail faults', () => {
  it.each([
    ['429 with Retry-After, once', () => h.gmail.failNext(1, { status: 429, retryAfterSeconds: 1 }), 'answer'],
    ['500, once', () => h.gmail.failNext(1, { status: 500 }), 'answer'],
    ['503 on the batch call, twice', () => h.gmail.failNext(2, { status: 503, path: '/batch/gmail/v1' }), 'answer'],
    ['a connection reset, once', () => h.gmail.resetNext(1), 'answer'],
    ['hanging past the timeout, once', () => h.gmail.hangNext(1), 'answer'],
  ] as const)('%s', async (_name, inject, expected) => {
    inject();
    const told = await unreadOutcome();
    // Answered privately: inside the acknowledgement when the retry was quick, else on the response_url.
    expect(['ack', 'response_url']).toContain(told.to);
    expect(told.answered).toBe(expected === 'answer');
  });

  it.each([
    ['503, every time', () => h.gmail.failNext(50, { status: 503 }), GMAIL_DOWN],
    ['429, every time', () => h.gmail.failNext(50, { status: 429, retryAfterSeconds: 1 }), GMAIL_BUSY],
    ['connection resets, every time', () => h.gmail.resetNext(50), GMAIL_DOWN],
  ] as const)('%s: the message for that fault', async (_name, inject, message) => {
    inject();
    const told = await unreadOutcome();
    expect(told.text).toMatch(message);
  });
});

describe('Scalekit faults', () => {
  it('down: a clear message', async () => {
    h.activate('U0FRESH');
    h.scalekit.setDown(true);
    const sent = await h.unread('U0FRESH');
    const told = await h.answerOf(sent, 30_000);
    expect(JSON.stringify(told.body)).toMatch(AGENT_AUTH_DOWN);
    expect(JSON.stringify(told.body)).not.toMatch(INTERNAL);
  });

  it('hanging past the SDK timeout: a clear message', async () => {
    h.activate('U0SLOWSK');
    h.scalekit.setDelay(12_000);
    const sent = await h.unread('U0SLOWSK');
    expect(sent.status).toBe(200);
    const told = await h.answerOf(sent, 40_000);
    expect(JSON.stringify(told.body)).toMatch(AGENT_AUTH_DOWN);
    expect(JSON.stringify(told.body)).not.toMatch(INTERNAL);
  }, 60_000);
});

describe('Slack faults', () => {
  /** The answer was refused on the response_url (recorded with that status), then delivered to the DM. */
  async function answeredInDmAfter(status: number) {
    const told = await unreadOutcome();
    expect(told).toMatchObject({ to: 'dm', answered: true });
    expect(failedResponses().map((r) => r.status)).toEqual([status]);
  }

  it('a 429 with Retry-After on the response_url: answered in the DM instead', async () => {
    h.slack.failNext('response', 1, { status: 429, retryAfterSeconds: 1 });
    await answeredInDmAfter(429);
  });

  it('a 500 on the response_url: answered in the DM instead', async () => {
    h.slack.failNext('response', 1, { status: 500 });
    await answeredInDmAfter(500);
  });

  it('a 429 with Retry-After on chat.postMessage: retried, then delivered', async () => {
    h.slack.failNext('response', 1, { status: 500 });
    h.slack.failNext('chat.postMessage', 1, { status: 429, retryAfterSeconds: 1 });
    await answeredInDmAfter(500);
    expect(callsOf('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('a 503 on conversations.open: retried, then delivered', async () => {
    h.slack.failNext('response', 1, { status: 500 });
    h.slack.failNext('conversations.open', 1, { status: 503 });
    await answeredInDmAfter(500);
    expect(callsOf('conversations.open').map((c) => c.status)).toEqual([503, 200]);
  });
});

describe('Slack connection faults', () => {
  // These faults are on the response_url, which a warm answer no longer uses: Gmail answers after
  // the inline deadline, so the answer takes the response_url path again.
  beforeEach(() => h.gmail.setDelay(h.config.slack.inlineAnswerMs + 500));
  afterEach(() => h.gmail.setDelay(0));

  it('a response_url that never answers: given up after its own 5 s deadline (not the pool\'s 15 s), answered in the DM', async () => {
    h.slack.failNext('response', 1, { hang: true });
    const sent = await h.unread(USER);
    expect(sent.status).toBe(200);
    const dm = await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postMessage' && JSON.stringify(a.body).includes('Status report'), 12_000);
    expect((dm as RecordedCall).body).toMatchObject({ channel: `D${USER}` });
  }, 60_000);

  it('a response_url whose connection is reset: answered in the DM', async () => {
    h.slack.failNext('response', 1, { reset: true });
    await h.unread(USER);
    const dm = await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postMessage' && JSON.stringify(a.body).includes('Status report'), 20_000);
    expect((dm as RecordedCall).body).toMatchObject({ channel: `D${USER}` });
  });

  it('a reset on conversations.open: retried, then delivered', async () => {
    h.slack.failNext('response', 1, { status: 500 });
    h.slack.failNext('conversations.open', 1, { reset: true });
    const told = await unreadOutcome();
    expect(told).toMatchObject({ to: 'dm', answered: true });
    expect(callsOf('conversations.open').map((c) => c.status)).toEqual([0, 200]);
  });
});

describe('Calendar faults', () => {
  const create = async () => {
    h.activateCalendar(USER);
    const sent = await h.command('/event', USER, 'tomorrow at 3pm called Fault drill');
    expect(sent.status).toBe(200);
    const told = await h.slack.waitFor((a) => a.kind === 'response' && sent.responseUrl.endsWith(a.path), 30_000);
    return JSON.stringify((told as RecordedResponse).body);
  };

  it('429 with Retry-After, once: the event is created', async () => {
    h.calendar.reset();
    h.calendar.failNext(1, { status: 429, retryAfterSeconds: 1 });
    expect(await create()).toContain('Fault drill');
    expect(h.calendar.events).toHaveLength(1);
  });

  it('503 every time: a clear message, no event', async () => {
    h.calendar.reset();
    h.calendar.failNext(50, { status: 503 });
    const told = await create();
    expect(told).toMatch(/Calendar/);
    expect(told).not.toMatch(/\bat \S+\.ts:\d+|Error:/);
    expect(h.calendar.events).toHaveLength(0);
  });

  it('hanging past the timeout, once: the event is created once', async () => {
    h.calendar.reset();
    h.calendar.hangNext(1);
    expect(await create()).toContain('Fault drill');
    expect(h.calendar.events).toHaveLength(1);
  }, 60_000);
});

describe('afterwards', () => {
  it('left no unhandled rejection', () => {
    expect(unhandled).toEqual([]);
  });
});
