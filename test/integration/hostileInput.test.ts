/**
 * Runs the hostile-input corpus (test/corpus/hostileInputs.ts) through the real bot: every case
 * gets a 4xx or a clear private message, the bot stays up, and what it had stored before still
 * works afterwards. Prints how many cases ran and how each class ended.
 */
import { createHmac } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_CASES, type HostileCase, type RawRequest } from '../corpus/hostileInputs.ts';
import { authorizationLinkIn, SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendEvent } from '../helpers/slackRequests.ts';
import { checkBlocks, type Arrival, type RecordedCall, type RecordedResponse } from '../standins/slackApi.ts';

let h: Harness;
const tally = new Map<string, number>();
const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
const ACTIVE_USER = 'U0ACTIVE';
const WAITING_USER = 'U0WAITING';
let waitingLink: string;

function signedHeaders(request: RawRequest): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const mode = request.signature ?? 'valid';
  if (mode === 'missing') return {};
  const timestamp = mode === 'stale' ? now - 6 * 60 : mode === 'future' ? now + 60 * 60 : now;
  const mac = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${request.body}`).digest('hex');
  const tampered = mode === 'broken' ? mac.replace(/.$/, (c) => (c === '0' ? '1' : '0')) : mac;
  return {
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': `${mode === 'wrong-version' ? 'v1' : 'v0'}=${tampered}`,
  };
}

async function sendRaw(request: RawRequest): Promise<{ status: number; body: string }> {
  // A connection of its own: a refused oversized body may leave its socket unusable.
  const dispatcher = new Agent({ pipelining: 0 });
  const response = await undiciFetch(`${h.botUrl}/slack/events`, {
    dispatcher,
    method: 'POST',
    headers: { 'Content-Type': request.contentType, ...signedHeaders(request) },
    body: request.body,
    signal: AbortSignal.timeout(15_000),
  }).catch(() => undefined);
  const body = (await response?.text().catch(() => '')) ?? '';
  await dispatcher.close().catch(() => {});
  return { status: response?.status ?? 0, body };
}

const isEphemeral = (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === 'chat.postEphemeral';
/** The generic answer for a bug of ours: hostile input must never reach it. */
const INTERNAL = /something went wrong on my side/i;

/** What the bot actually said, in a few words, for the printed tally. */
function observed(message: unknown): string {
  const json = JSON.stringify(message);
  if (json.includes('Plain subject')) return 'summary of the mailbox';
  if (json.includes('No unread email matches')) return 'answer: no unread email matches the search';
  if (json.includes('Added to your Google Calendar')) return 'answer: event added';
  // Control characters are shown as escapes: the tally is printed to a terminal.
  const text = JSON.stringify(String((message as { text?: unknown }).text ?? '').replace(/\s+/g, ' ')).slice(1, -1);
  return `message "${text.slice(0, 50)}${text.length > 50 ? '…' : ''}"`; // first words only
}

async function run(c: HostileCase): Promise<string> {
  h.slack.reset();
  h.gmail.reset();
  h.calendar.reset();
  h.gmail.addMessage({ from: 'Plain <p@example.com>', subject: 'Plain subject', date: new Date(), snippet: 'plain' });
  if (c.email) h.gmail.addMessage({ ...c.email, date: new Date() });

  if (c.request) {
    const { status, body } = await sendRaw(c.request);
    if (c.expect.kind === 'accepted') {
      expect(status, c.name).toBe(200);
      if (c.expect.bodyIncludes) expect(body, c.name).toContain(c.expect.bodyIncludes);
      return 'answered at the door';
    }
    expect(status, c.name).toBeGreaterThanOrEqual(400);
    expect(status, c.name).toBeLessThan(500);
    if (c.expect.kind === 'refused' && c.expect.status !== '4xx') expect(status, c.name).toBe(c.expect.status);
    return `refused ${status}`;
  }

  let message: unknown;
  if (c.alertText !== undefined || c.eventText !== undefined) {
    const isAlert = c.alertText !== undefined;
    const sent = await h.command(isAlert ? '/alert' : '/event', ACTIVE_USER, (isAlert ? c.alertText : c.eventText) ?? '');
    expect(sent.status, c.name).toBe(200);
    if (c.expect.kind === 'inert-post') {
      const posted = (await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postMessage' && a.body.channel === 'C0ALERTS', 15_000)) as RecordedCall;
      message = posted.body;
    } else {
      // A refusal may come in the acknowledgement itself or privately on the response_url.
      const inAck = sent.body.length > 0 ? sent.body : undefined;
      message = inAck ? JSON.parse(inAck) : ((await h.slack.waitFor((a) => a.kind === 'response' && sent.responseUrl.endsWith(a.path), 15_000)) as RecordedResponse).body;
      if (c.expect.kind === 'usage') {
        expect(JSON.stringify(message), c.name).not.toMatch(/\bat \S+\.ts:\d+|Error:/);
        expect(JSON.stringify(message), c.name).not.toMatch(INTERNAL);
        expect(h.calendar.events, c.name).toEqual([]);
        expect(h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel === 'C0ALERTS'), c.name).toEqual([]);
        return `refused: ${observed(message)}`;
      }
    }
  } else if (c.unreadText !== undefined || c.email) {
    const sent = await h.unread(ACTIVE_USER, c.unreadText ?? '');
    expect(sent.status, c.name).toBe(200);
    if (c.expect.kind === 'usage') {
      const ack = JSON.parse(sent.body) as { response_type: string; text: string };
      expect(ack.response_type, c.name).toBe('ephemeral');
      expect(ack.text, c.name).toMatch(/unread/i);
      expect(ack.text, c.name).not.toMatch(INTERNAL);
      return `in the acknowledgement: ${observed(ack)}`;
    }
    // Inside the acknowledgement when ready within INLINE_ANSWER_MS, else on the response_url.
    message = (await h.answerOf(sent, 15_000)).body;
  } else {
    const sent = await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET,
      { type: 'app_mention', user: ACTIVE_USER, text: c.mentionText, channel: 'C0GENERAL', ts: `${Date.now() / 1000}` },
      { eventId: `EvHostile${tally.size}${Math.random()}`, teamId: TEAM });
    expect(sent.status, c.name).toBe(200);
    const ephemeral = await h.slack.waitFor(isEphemeral, 15_000);
    // Privately, to the one who mentioned the bot, in the channel of the mention.
    expect(ephemeral.body, c.name).toMatchObject({ user: ACTIVE_USER, channel: 'C0GENERAL' });
    message = ephemeral.body;
  }
  const json = JSON.stringify(message);
  const blocks = (message as { blocks?: unknown }).blocks;
  if (blocks !== undefined) expect(checkBlocks(blocks), c.name).toEqual([]);
  if (c.expect.kind === 'inert-summary' || c.expect.kind === 'inert-post') {
    for (const bad of c.expect.mustNotContain) expect(json.includes(JSON.stringify(bad).slice(1, -1)), `${c.name}: ${JSON.stringify(bad)}`).toBe(false);
  }
  expect(json, c.name).not.toMatch(/\bat \S+\.ts:\d+|Error:/);
  // An apology for a bug of ours contains none of the injected text either: it must not pass as inert.
  expect(json, c.name).not.toMatch(INTERNAL);
  // "Inert in the answer" only counts if the answer was given (the summary, the search's result, the
  // event), not some other message that happens to leave the injected text out.
  if (c.expect.kind === 'inert-summary') expect(observed(message), c.name).toMatch(/^(summary of the mailbox|answer: )/);
  if (c.expect.kind === 'inert-post') return `posted to the team channel: ${observed(message)}`;
  return `private answer: ${observed(message)}`;
}

beforeAll(async () => {
  h = await startHarness({ TEAM_ALERT_CHANNEL: 'C0ALERTS' });
  h.activate(ACTIVE_USER);
  h.activateCalendar(ACTIVE_USER);
  // Something stored before the corpus runs: a kept request waiting on an authorization link.
  await h.unread(WAITING_USER);
  waitingLink = authorizationLinkIn(await h.slack.waitFor((a): a is RecordedCall => a.kind === 'call' && a.method === 'chat.postMessage'));
});

afterAll(async () => {
  const lines = [...tally.entries()].map(([key, n]) => `  ${key}: ${n}`).sort();
  process.stdout.write(`hostile input corpus: ${HOSTILE_CASES.length} cases\n${lines.join('\n')}\n`);
  await h?.close();
});

describe('hostile and malformed input', () => {
  it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const outcome = await run(c);
    count(`${c.class} -> ${outcome}`);
    expect((await fetch(`${h.botUrl}/healthz`)).status).toBe(200);
  });

  it('answers on the same kept-alive connection after refusing an oversized body', async () => {
    const dispatcher = new Agent({ connections: 1, pipelining: 1 });
    const post = (body: string, contentType: string) => undiciFetch(`${h.botUrl}/slack/events`, {
      dispatcher, method: 'POST', headers: { 'Content-Type': contentType, ...signedHeaders({ body, contentType }) }, body, signal: AbortSignal.timeout(15_000),
    });
    const big = await post(`text=${'a'.repeat(5 * 1024 * 1024)}`, 'application/x-www-form-urlencoded').catch((err: unknown) => err);
    if (big instanceof Response) {
      expect(big.status).toBe(413);
      expect(big.headers.get('connection')).toBe('close');
      await big.text();
    }
    const next = await post(JSON.stringify({ type: 'url_verification', challenge: 'after-413' }), 'application/json');
    expect(next.status).toBe(200);
    expect(await next.text()).toContain('after-413');
    await dispatcher.close();
  });

  it('logs no unhandled error and no unacknowledged request for the whole corpus', () => {
    const levelOf = (line: string) => Number((/"level":(\d+)/.exec(line) ?? [])[1] ?? 0);
    expect(h.logs.lines.filter((line) => levelOf(line) >= 50)).toEqual([]);
    expect(h.logs.lines.filter((line) => /unhandled error|not acknowledged/i.test(line))).toEqual([]);
  });

  it('loses nothing that was stored before', async () => {
    h.slack.reset();
    const page = await h.connect(waitingLink);
    expect(page.status).toBe(200);
    const answer = await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postMessage' && JSON.stringify(a.body).includes('Plain subject'), 15_000);
    expect((answer as RecordedCall).body).toMatchObject({ channel: `D${WAITING_USER}` });
  });
});
