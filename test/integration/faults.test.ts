/**
 * Faults injected through the stand-ins: 429 with Retry-After, 500 and 503, hanging past the
 * timeout, connection resets. Every request ends with the right answer or a clear message to the
 * user, within a bound; nothing is left unhandled.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/botHarness.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';

let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const USER = 'U0FAULT';

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  h = await startHarness();
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  h.scalekit.setDown(false);
  h.scalekit.setDelay(0);
  h.activate(USER);
  h.gmail.addMessage({ from: 'Ann <ann@example.com>', subject: 'Status report', date: new Date(), snippet: 'all good' });
});

/** Runs /unread and returns what the user was finally told: in the ack, on the response_url or in the DM. */
async function unreadOutcome(timeoutMs = 30_000): Promise<'answer' | 'message'> {
  const sent = await h.unread(USER);
  expect(sent.status).toBe(200);
  if (sent.body.length > 0) {
    expect(sent.body).not.toMatch(/\bat \S+\.ts:\d+|Error:|ECONN|undefined/);
    return sent.body.includes('Status report') ? 'answer' : 'message';
  }
  const told = await h.slack.waitFor(
    (a: Arrival) =>
      (a.kind === 'response' && sent.responseUrl.endsWith(a.path)) ||
      (a.kind === 'call' && a.method === 'chat.postMessage' && a.status === 200 && (a.answer as { ok?: boolean }).ok === true),
    timeoutMs,
  );
  const body = JSON.stringify((told as RecordedResponse | RecordedCall).body);
  expect(body).not.toMatch(/\bat \S+\.ts:\d+|Error:|ECONN|undefined/);
  return body.includes('Status report') ? 'answer' : 'message';
}

describe('Gmail faults', () => {
  it.each([
    ['429 with Retry-After, once', () => h.gmail.failNext(1, { status: 429, retryAfterSeconds: 1 }), 'answer'],
    ['500, once', () => h.gmail.failNext(1, { status: 500 }), 'answer'],
    ['503 on the batch call, twice', () => h.gmail.failNext(2, { status: 503, path: '/batch/gmail/v1' }), 'answer'],
    ['a connection reset, once', () => h.gmail.resetNext(1), 'answer'],
    ['hanging past the timeout, once', () => h.gmail.hangNext(1), 'answer'],
    ['503, every time', () => h.gmail.failNext(50, { status: 503 }), 'message'],
    ['429, every time', () => h.gmail.failNext(50, { status: 429, retryAfterSeconds: 1 }), 'message'],
    ['connection resets, every time', () => h.gmail.resetNext(50), 'message'],
  ] as const)('%s', async (_name, inject, expected) => {
    inject();
    expect(await unreadOutcome()).toBe(expected);
  });
});

describe('Scalekit faults', () => {
  it('down: a clear message', async () => {
    h.activate('U0FRESH');
    h.scalekit.setDown(true);
    const sent = await h.unread('U0FRESH');
    const told = await h.answerOf(sent, 30_000);
    expect(JSON.stringify(told.body)).toMatch(/try again/i);
  });

  it('hanging past the SDK timeout: a clear message', async () => {
    h.activate('U0SLOWSK');
    h.scalekit.setDelay(12_000);
    const sent = await h.unread('U0SLOWSK');
    expect(sent.status).toBe(200);
    const told = await h.answerOf(sent, 40_000);
    expect(JSON.stringify(told.body)).toMatch(/try again/i);
  }, 60_000);
});

describe('Slack faults', () => {
  it('a 429 with Retry-After on the response_url: answered in the DM instead', async () => {
    h.slack.failNext('response', 1, { status: 429, retryAfterSeconds: 1 });
    expect(await unreadOutcome()).toBe('answer');
  });

  it('a 500 on the response_url: answered in the DM instead', async () => {
    h.slack.failNext('response', 1, { status: 500 });
    expect(await unreadOutcome()).toBe('answer');
  });

  it('a 429 with Retry-After on chat.postMessage: retried, then delivered', async () => {
    h.slack.failNext('response', 1, { status: 500 });
    h.slack.failNext('chat.postMessage', 1, { status: 429, retryAfterSeconds: 1 });
    expect(await unreadOutcome()).toBe('answer');
  });

  it('a 503 on conversations.open: retried, then delivered', async () => {
    h.slack.failNext('response', 1, { status: 500 });
    h.slack.failNext('conversations.open', 1, { status: 503 });
    expect(await unreadOutcome()).toBe('answer');
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
    expect(await unreadOutcome()).toBe('answer');
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
