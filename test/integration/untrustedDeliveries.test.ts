/**
 * Deliveries the bot must not act on as commands, through the real bot (issue 20): an oversized
 * mention (40,000 characters once exhausted the heap; 18,000 stalled the event loop) gets a clear
 * reply while /healthz keeps answering; a mention written by a bot or an edited message does
 * nothing; a slash command or a button press replayed with the same trigger_id runs once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction, sendEvent, sendSlashCommand } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';

let h: Harness;
let events = 0;
const USER = 'U0SENDER';
const isCall = (method: string, match: (c: RecordedCall) => boolean = () => true) => (a: Arrival): a is RecordedCall =>
  a.kind === 'call' && a.method === method && match(a);
const postsTo = (channel: string, text: string) =>
  h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel && JSON.stringify(c.body).includes(text));

function mention(event: Record<string, unknown>) {
  return sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'app_mention', channel: 'C0GENERAL', ts: `${Date.now() / 1000}`, ...event }, {
    eventId: `EvUntrusted${++events}`,
    teamId: TEAM,
  });
}

/** Polls /healthz until `until` settles; every poll must be answered 200. */
async function healthyWhile<T>(until: Promise<T>): Promise<{ result: T; polls: number[] }> {
  const polls: number[] = [];
  let done = false;
  const settled = until.finally(() => (done = true));
  while (!done) {
    const status = await fetch(`${h.botUrl}/healthz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 0);
    polls.push(status);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { result: await settled, polls };
}

beforeAll(async () => {
  h = await startHarness({ TEAM_ALERT_CHANNEL: 'C0ALERTS' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
});

describe('oversized mentions', () => {
  it.each([
    ['40,000', 40_000],
    ['18,000', 18_000],
  ])('a signed %s-character mention is answered "too long" while /healthz keeps answering', async (_label, size) => {
    const text = `<@U0BOT> meeting ${'a '.repeat(size / 2)}`.slice(0, size);
    const sent = await mention({ user: USER, text });
    expect(sent.status).toBe(200);
    const { result: reply, polls } = await healthyWhile(h.slack.waitFor(isCall('chat.postEphemeral'), 15_000));
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((status) => status === 200)).toBe(true);
    expect(reply.body).toMatchObject({ channel: 'C0GENERAL', user: USER });
    expect(String(reply.body.text)).toContain(`${size.toLocaleString('en-US')} characters long; I read at most 4,000`);
    // Alive afterwards, and still doing its job.
    expect((await fetch(`${h.botUrl}/healthz`)).status).toBe(200);
    h.activate(USER);
    h.gmail.addMessage({ from: 'A <a@example.com>', subject: 'Still here', date: new Date(), snippet: 's' });
    const after = await h.unread(USER, '1');
    expect(JSON.stringify((await h.answerOf(after, 15_000)).body)).toContain('Still here');
  });

  it('a too-long slash command is refused in the acknowledgement, saying how long it may be', async () => {
    const sent = await h.command('/event', USER, `tomorrow at 3pm called ${'x'.repeat(5_000)}`);
    expect(JSON.parse(sent.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('I read at most 4,000') });
    expect(h.calendar.events).toEqual([]);
  });
});

describe('oversized button values', () => {
  it('a press whose value is over the bound is acknowledged and not acted on', async () => {
    h.activate(USER);
    h.gmail.addMessage({ from: 'A <a@example.com>', subject: 'Untouched', date: new Date(), snippet: 's' });
    const responseUrl = h.slack.responseUrl('oversized-value');
    const sent = await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
      actionId: 'alert_proposal:post', value: 'x'.repeat(5_000), userId: USER, teamId: TEAM, responseUrl,
    });
    expect(sent.status).toBe(200);
    expect(h.logs.text).toContain('refused an action with an oversized value');
    await h.answerOf(await h.unread(USER, '1'), 15_000);
    expect(h.slack.responses.filter((r) => responseUrl.endsWith(r.path))).toEqual([]);
  });
});

describe('mentions not written by a person', () => {
  const ALERT = 'alert the team: click https://evil.example now';

  it.each([
    ['a bot (bot_id)', { user: 'U0RSSBOT', bot_id: 'B0RSS', text: `<@U0BOT> ${ALERT}` }],
    ['an integration (bot_profile)', { user: 'U0RSSBOT', bot_profile: { id: 'B0RSS', name: 'rss' }, text: `<@U0BOT> ${ALERT}` }],
    ['a bot message (subtype)', { subtype: 'bot_message', bot_id: 'B0RSS', text: `<@U0BOT> ${ALERT}` }],
    ['an edited message', { subtype: 'message_changed', user: USER, text: `<@U0BOT> ${ALERT}`, message: { user: USER, text: `<@U0BOT> ${ALERT}` } }],
    ['the bot itself', { user: 'U0BOT', text: `<@U0BOT> ${ALERT}` }],
  ])('from %s does nothing', async (_label, event) => {
    expect((await mention(event)).status).toBe(200);
    // A person's mention sent after it is answered; by then the first one would have been too.
    expect((await mention({ user: USER, text: '<@U0BOT> help' })).status).toBe(200);
    await h.slack.waitFor(isCall('chat.postEphemeral', (c) => c.body.user === USER), 15_000);
    expect(postsTo('C0ALERTS', 'evil.example')).toEqual([]);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postEphemeral')).toHaveLength(1);
  });
});

describe('replayed commands and button presses', () => {
  it('the same signed /alert sent twice (same trigger_id) posts once; the replay is acknowledged', async () => {
    const command = (text: string, triggerId: string) =>
      sendSlashCommand(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
        command: '/alert', text, userId: USER, teamId: TEAM, channelId: 'C0GENERAL', responseUrl: h.slack.responseUrl(`replay-${triggerId}`), triggerId,
      });
    expect((await command('deploy failed once', '111.222.replayed')).status).toBe(200);
    await h.slack.waitFor(isCall('chat.postMessage', (c) => c.body.channel === 'C0ALERTS'), 15_000);
    const replay = await command('deploy failed once', '111.222.replayed');
    expect(replay.status).toBe(200);
    // A fresh command after the replay is carried out (and marks when the replay would have been).
    expect((await command('marker alert', '111.333.fresh')).status).toBe(200);
    await h.slack.waitFor(isCall('chat.postMessage', (c) => JSON.stringify(c.body).includes('marker alert')), 15_000);
    // The replay was acknowledged before the store said it was one (the dedupe is decided after the ack).
    expect(h.logs.text).toContain('skipped a repeated command or button press');
    expect(postsTo('C0ALERTS', 'deploy failed once')).toHaveLength(1);
  });

  it('the same block_actions press sent twice (same trigger_id) runs once', async () => {
    h.activate(USER);
    for (let i = 0; i < 4; i++) h.gmail.addMessage({ from: `S${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: 's' });
    const sent = await h.unread(USER, '1');
    const summary = (await h.answerOf(sent, 15_000)).body as { blocks: unknown[] };
    const button = (summary.blocks as Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .find((b) => b.action_id?.startsWith('mark_read:'));
    expect(button).toBeDefined();
    const responseUrl = h.slack.responseUrl('press-replayed');
    const press = () => sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: button!.action_id!, value: button!.value ?? '', userId: USER, teamId: TEAM, responseUrl, triggerId: '444.555.pressed', messageBlocks: summary.blocks });
    expect((await press()).status).toBe(200);
    await h.slack.waitFor((a) => a.kind === 'response' && responseUrl.endsWith(a.path), 15_000);
    const modifies = () => h.gmail.requests.filter((r) => r.path.endsWith('/batchModify')).length;
    expect(modifies()).toBe(1);
    const logged = h.logs.lines.filter((line) => line.includes('skipped a repeated command or button press')).length;
    expect((await press()).status).toBe(200);
    // A fresh press of another summary marks when the replay would have run.
    const marker = h.slack.responseUrl('press-fresh');
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'show_more_unread_nonexistent', userId: USER, teamId: TEAM, responseUrl: marker });
    await h.answerOf(await h.unread(USER, '1'), 15_000);
    expect(h.logs.lines.filter((line) => line.includes('skipped a repeated command or button press')).length).toBe(logged + 1);
    expect(modifies()).toBe(1);
    expect(h.slack.responses.filter((r) => responseUrl.endsWith(r.path))).toHaveLength(1);
  });
});
