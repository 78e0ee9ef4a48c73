/**
 * The agent surface through the real bot: prompts set when the Messages tab opens; a person's
 * message there answered in its thread with a status, a session marked as working, a stream with a
 * task per step and the result with feedback buttons; feedback recorded in the audit log.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction, sendEvent } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';
import type { StoredMessage } from '../standins/gmailStandinMailbox.ts';
import { SUGGESTED_PROMPTS } from '../../src/slack/agent/prompts.ts';

let h: Harness;
let events = 0;
const USER = 'U0MIA';
const DM = `D${USER}`;
const isCall = (method: string) => (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method;
const callsOf = (method: string) => h.slack.calls.filter((c) => c.method === method);

/** A message.im event as Slack sends it for a person writing in the app's Messages tab. */
export function directMessage(harness: Harness, text: string, options: { user?: string; ts?: string; threadTs?: string; bot?: boolean } = {}) {
  const user = options.user ?? USER;
  const ts = options.ts ?? `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
  return {
    ts,
    sent: sendEvent(
      `${harness.botUrl}/slack/events`,
      SIGNING_SECRET,
      {
        type: 'message',
        channel: `D${user}`,
        channel_type: 'im',
        user,
        text,
        ts,
        team: TEAM,
        ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
        ...(options.bot ? { bot_id: 'B0OTHER', bot_profile: { id: 'B0OTHER', name: 'feed' } } : {}),
      },
      { eventId: `EvAgent${++events}`, teamId: TEAM },
    ),
  };
}

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
let stored: StoredMessage[] = [];
beforeEach(async () => {
  await h.settle();
  h.gmail.reset();
  h.activate(USER);
  stored = [];
  for (let i = 0; i < 4; i++) {
    stored.push(h.gmail.addMessage({ from: `Sender ${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: `snippet ${i}` }));
  }
});

/** The approval card an answer ended with: its id, its message ts and its words. */
function cardIn(stop: RecordedCall): { id: string; ts: string; text: string } {
  const blocks = stop.body.blocks as Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>;
  const approve = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'agent_step:approve');
  if (!approve?.value) throw new Error(`no approval card in ${JSON.stringify(blocks).slice(0, 300)}`);
  return { id: approve.value, ts: String(stop.body.ts), text: JSON.stringify(blocks) };
}

function press(verb: 'approve' | 'edit' | 'cancel', card: { id: string; ts: string }, user = USER) {
  return sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
    actionId: `agent_step:${verb}`, value: card.id, userId: user, teamId: TEAM, channelId: DM, messageTs: card.ts,
  });
}

/** Sends a message and waits for its answer's stream to stop: the stopStream call. */
async function ask(text: string, options: { threadTs?: string; user?: string } = {}) {
  const before = h.slack.calls.filter((c) => c.method === 'chat.stopStream').length;
  const { ts, sent } = directMessage(h, text, options);
  await sent;
  await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && h.slack.calls.filter((c) => c.method === 'chat.stopStream').length > before);
  const stop = h.slack.calls.filter((c) => c.method === 'chat.stopStream').at(-1)!;
  return { ts, stop, blocks: JSON.stringify(stop.body.blocks) };
}

describe('the Messages tab', () => {
  it('sets the suggested prompts when the Messages tab opens, on the channel and without a thread', async () => {
    await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'app_home_opened', user: USER, channel: DM, tab: 'messages' }, { eventId: `EvHome${++events}`, teamId: TEAM });
    const call = await h.slack.waitFor(isCall('assistant.threads.setSuggestedPrompts'));
    expect(call.answer).toMatchObject({ ok: true });
    expect(call.body).toMatchObject({ channel_id: DM, prompts: SUGGESTED_PROMPTS });
    expect(call.body.thread_ts).toBeUndefined();
    expect(callsOf('views.publish')).toEqual([]);
  });

  it('answers "what\'s unread?" in its thread: status, session, streamed task, result and feedback buttons', async () => {
    const { ts, sent } = directMessage(h, "what's unread?");
    expect((await sent).status).toBe(200);
    const stop = await h.slack.waitFor(isCall('chat.stopStream'));
    expect(stop.answer).toMatchObject({ ok: true });

    const status = callsOf('assistant.threads.setStatus')[0];
    expect(status?.answer).toMatchObject({ ok: true });
    expect(status?.body).toMatchObject({ channel_id: DM, thread_ts: ts });
    expect((status?.body.loading_messages as string[]).length).toBeGreaterThan(0);
    expect(callsOf('agents.sessions.setStatus')[0]?.body).toMatchObject({ channel_id: DM, thread_ts: ts, status: 'processing' });

    const start = callsOf('chat.startStream')[0];
    expect(start?.answer).toMatchObject({ ok: true });
    expect(start?.body).toMatchObject({ channel: DM, thread_ts: ts, recipient_user_id: USER });
    const stream = h.slack.agent.streams.get(String((start?.answer as { ts: string }).ts));
    expect(stream?.state).toBe('stopped');
    expect(stream?.chunks).toEqual([
      { type: 'task_update', id: expect.any(String), title: 'Reading your inbox', status: 'in_progress' },
      { type: 'task_update', id: expect.any(String), title: 'Reading your inbox', status: 'complete' },
    ]);
    const blocks = JSON.stringify(stream?.blocks);
    expect(blocks).toContain('Subject 0');
    expect(blocks).toContain('Subject 3');
    const feedback = (stream?.blocks as Array<{ type: string }>).at(-1);
    expect(feedback).toMatchObject({ type: 'context_actions', elements: [{ type: 'feedback_buttons', action_id: 'agent_feedback' }] });
    expect(h.slack.agent.sessions.get(`${DM}:${ts}`)).toBe('active');
    // Mail went to the asker's own DM and nowhere else.
    for (const call of h.slack.calls) if (JSON.stringify(call.body).includes('Subject 0')) expect([call.body.channel, call.body.channel_id]).toContain(DM);
  });

  it('answers a reply inside an existing thread in that thread', async () => {
    const { sent } = directMessage(h, 'show me 2 unread emails', { threadTs: '1700000000.000100' });
    await sent;
    const start = await h.slack.waitFor(isCall('chat.startStream'));
    expect(start.body).toMatchObject({ channel: DM, thread_ts: '1700000000.000100' });
    await h.slack.waitFor(isCall('chat.stopStream'));
    expect(h.gmail.requests[0]?.query.get('maxResults')).toBe('2');
  });

  it('ignores what a bot writes there', async () => {
    const before = h.slack.history.length;
    const { sent } = directMessage(h, "what's unread?", { bot: true });
    expect((await sent).status).toBe(200);
    await h.slack.quiet(500);
    expect(h.slack.history.slice(before).filter((c) => c.method === 'chat.startStream')).toEqual([]);
    expect(h.gmail.requests).toEqual([]);
  });

  it('refuses an oversized message in its thread, and reads no mail', async () => {
    const { ts, sent } = directMessage(h, `unread ${'x'.repeat(4_100)}`);
    await sent;
    const reply = await h.slack.waitFor(isCall('chat.postMessage'));
    expect(reply.body).toMatchObject({ channel: DM, thread_ts: ts });
    expect(String(reply.body.text)).toContain('4,000');
    expect(h.gmail.requests).toEqual([]);
  });

  it('answers help for words it does not understand, with feedback buttons', async () => {
    directMessage(h, 'tell me a joke');
    const stop = await h.slack.waitFor(isCall('chat.stopStream'));
    const blocks = JSON.stringify(stop.body.blocks);
    expect(blocks).toContain('/unread');
    expect(blocks).toContain('context_actions');
    expect(h.gmail.requests).toEqual([]);
  });

  it('asks a user without Gmail to connect with a button in the conversation itself', async () => {
    directMessage(h, "what's unread?", { user: 'U0NEW' });
    const stop = await h.slack.waitFor(isCall('chat.stopStream'));
    expect(stop.body.channel).toBe('DU0NEW');
    const blocks = JSON.stringify(stop.body.blocks);
    expect(blocks).toMatch(/Gmail/);
    expect(blocks).toContain('/connect/');
    const stream = [...h.slack.agent.streams.values()].find((s) => s.channel === 'DU0NEW');
    expect(stream?.chunks.at(-1)).toMatchObject({ type: 'task_update', status: 'error' });
    expect(callsOf('chat.postMessage').filter((c) => JSON.stringify(c.body).includes('/connect/'))).toEqual([]);
  });

  it('answers in the conversation thread, not a bare DM, once the user has connected', async () => {
    const { ts } = directMessage(h, "what's unread?", { user: 'U0LATE' });
    const prompt = await h.slack.waitFor((a): a is RecordedCall => isCall('chat.stopStream')(a) && a.body.channel === 'DU0LATE');
    expect((await h.connect(authorizationLinkIn(prompt), undefined, { userId: 'U0LATE', teamId: TEAM })).status).toBe(200);
    const answer = await h.slack.waitFor(
      (a): a is RecordedCall => isCall('chat.postMessage')(a) && a.body.channel === 'DU0LATE' && JSON.stringify(a.body).includes('Subject 0'),
    );
    expect(answer.body.thread_ts).toBe(ts);
  });

  it('finishes with chat.update when Slack has expired the stream', async () => {
    h.slack.failNext('chat.stopStream', 1, { error: 'message_not_in_streaming_state' });
    directMessage(h, "what's unread?");
    const update = await h.slack.waitFor(isCall('chat.update'));
    const start = callsOf('chat.startStream')[0];
    expect(update.answer).toMatchObject({ ok: true });
    expect(update.body).toMatchObject({ channel: DM, ts: (start?.answer as { ts: string }).ts });
    expect(JSON.stringify(update.body.blocks)).toContain('Subject 0');
  });

  it('records a press on the feedback buttons in the audit log, shown by /actions-log', async () => {
    const sent = await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
      actionId: 'agent_feedback', elementType: 'feedback_buttons', value: 'good:unread.list', userId: USER, teamId: TEAM, channelId: DM,
    });
    expect(sent.status).toBe(200);
    const thanks = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(thanks.body).toMatchObject({ channel: DM, user: USER });
    const log = await h.answerOf(await h.command('/actions-log', USER, ''));
    expect(JSON.stringify(log.body)).toContain('Rated an answer as helpful');
  });
});

describe('follow-ups in a thread', () => {
  it('"mark the second one as read" shows a card first; Approve marks that email, and only it', async () => {
    const { ts } = await ask('show me 3 unread emails');
    const { stop } = await ask('mark the second one as read', { threadTs: ts });
    expect(stored.every((m) => m.unread)).toBe(true); // nothing written before Approve
    expect(stop.body.session_status).toBe('suspended');
    const card = cardIn(stop);
    expect(card.text).toContain('Sender 1');
    expect(card.text).not.toContain('Sender 2');
    expect(card.text).toContain('alice@example.com'); // which account
    await press('approve', card);
    await until(() => !stored[1]!.unread, 'the email to be marked read');
    expect(stored.map((m) => m.unread)).toEqual([true, false, true, true]);
    const done = await h.slack.waitFor((a): a is RecordedCall => a.kind === 'call' && a.method === 'chat.stopStream' && JSON.stringify(a.body).includes('Marked as read'));
    expect(done.body).toMatchObject({ channel: DM });
    expect(h.slack.agent.streams.get(String(done.body.ts))?.threadTs).toBe(ts);
    // The card was replaced, so it cannot be pressed again by mistake.
    const replaced = callsOf('chat.update').find((c) => c.body.ts === card.ts);
    expect(String(replaced?.body.text)).toContain('Approved');
  });

  it('"open the one from Sender 2" links to that email; "what did Sender 1 want?" to that one', async () => {
    const { ts } = await ask('show me 3 unread emails');
    const opened = await ask('open the one from Sender 2', { threadTs: ts });
    expect(opened.blocks).toContain(encodeURIComponent(stored[2]!.id));
    expect(opened.blocks).not.toContain(encodeURIComponent(stored[1]!.id));
    const asked = await ask('what did sender 1 want?', { threadTs: ts });
    expect(asked.blocks).toContain(encodeURIComponent(stored[1]!.id));
  });

  it('"show me more" lists the next page, and a follow-up then acts on that page', async () => {
    const { ts } = await ask('show me 2 unread emails');
    const more = await ask('show me more', { threadTs: ts });
    expect(more.blocks).toContain('Subject 2');
    expect(more.blocks).toContain('Subject 3');
    expect(more.blocks).not.toContain('Subject 0');
    const { stop } = await ask('mark the first one as read', { threadTs: ts });
    await press('approve', cardIn(stop));
    await until(() => !stored[2]!.unread, 'the email to be marked read');
    expect(stored.map((m) => m.unread)).toEqual([true, true, false, true]);
  });

  it('says so when the pick names nothing that was shown, and touches nothing', async () => {
    const { ts } = await ask('show me 2 unread emails');
    const answer = await ask('mark the one from Zed as read', { threadTs: ts });
    expect(answer.blocks).toContain('none of them matches');
    expect(stored.every((m) => m.unread)).toBe(true);
  });

  it('a follow-up in another thread does not reach this one\'s emails', async () => {
    await ask('show me 2 unread emails');
    const other = await ask('mark the second one as read', { threadTs: '1600000000.000001' });
    expect(other.blocks).not.toContain('Marked as read');
    expect(stored.every((m) => m.unread)).toBe(true);
  });
});

/** agent_session_stopped as Slack sends it when the user presses Stop. */
function stopSession(threadTs: string, streaming: string[]) {
  return sendEvent(
    `${h.botUrl}/slack/events`,
    SIGNING_SECRET,
    { type: 'agent_session_stopped', channel: DM, user: USER, thread_ts: threadTs, streaming_message_ts: streaming },
    { eventId: `EvStop${++events}`, teamId: TEAM },
  );
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Stop, and streams that expire', () => {
  it('Stop aborts the Gmail call in flight and closes the stream with a line saying it was stopped', async () => {
    const release = h.gmail.hold();
    try {
      const { ts } = directMessage(h, "what's unread?");
      const start = await h.slack.waitFor(isCall('chat.startStream'));
      const streamTs = String((start.answer as { ts: string }).ts);
      await until(() => h.gmail.inFlight === 1, 'the Gmail call');
      expect((await stopSession(ts, [streamTs])).status).toBe(200);
      const stop = await h.slack.waitFor(isCall('chat.stopStream'));
      expect(stop.body).toMatchObject({ channel: DM, ts: streamTs, session_status: 'active' });
      // The held Gmail request was given up because of the Stop (not timed out): the action ended STOPPED.
      await until(() => h.logs.lines.some((line) => line.includes('"action failed"') && line.includes('"STOPPED"')), 'the action to end stopped', 15_000);
      await until(() => h.gmail.inFlight === 0, 'the held Gmail call to be closed');
      const stream = h.slack.agent.streams.get(streamTs);
      expect(stream?.chunks).toContainEqual({ type: 'markdown_text', text: expect.stringContaining('Stopped') });
      expect(stream?.chunks).toContainEqual(expect.objectContaining({ type: 'task_update', title: 'Reading your inbox', status: 'error' }));
    } finally {
      release();
    }
    await h.slack.quiet(500);
    // Nothing of the abandoned run came afterwards: no batch read, no late answer.
    expect(h.gmail.requests.filter((r) => r.path.includes('batch'))).toEqual([]);
    expect(h.slack.calls.filter((c) => JSON.stringify(c.body).includes('Subject 0'))).toEqual([]);
  });

  it('Stop on a thread with nothing running here sets the session active again', async () => {
    await stopSession('1500000000.000001', []);
    const session = await h.slack.waitFor(isCall('agents.sessions.setStatus'));
    expect(session.body).toMatchObject({ channel_id: DM, thread_ts: '1500000000.000001', status: 'active' });
  });

  it('Stop closes a stream this instance does not hold (another instance runs it)', async () => {
    await stopSession('1500000000.000002', ['1500000000.000009']);
    const stop = await h.slack.waitFor(isCall('chat.stopStream'));
    expect(stop.body).toMatchObject({ channel: DM, ts: '1500000000.000009', session_status: 'active' });
    expect(String(stop.body.markdown_text)).toContain('Stopped');
  });

  it('a run that outlives its stream finishes the message with chat.update', async () => {
    const release = h.gmail.hold();
    directMessage(h, "what's unread?");
    const start = await h.slack.waitFor(isCall('chat.startStream'));
    await until(() => h.gmail.inFlight === 1, 'the Gmail call');
    h.slack.agent.expireStreams();
    release();
    const update = await h.slack.waitFor(isCall('chat.update'));
    expect(update.body).toMatchObject({ channel: DM, ts: (start.answer as { ts: string }).ts });
    expect(JSON.stringify(update.body.blocks)).toContain('Subject 0');
    expect(JSON.stringify(update.body.blocks)).toContain('context_actions');
  });
});

describe('approval before writing', () => {
  const batchModifies = () => h.gmail.requests.filter((r) => r.path.endsWith('batchModify')).length;

  it('runs an approved step once, however often Approve is pressed', async () => {
    const { ts } = await ask('show me 2 unread emails');
    const card = cardIn((await ask('mark them all as read', { threadTs: ts })).stop);
    await press('approve', card);
    await until(() => batchModifies() === 1, 'the step to run');
    await press('approve', card);
    const gone = await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postEphemeral' && String(a.body.text).includes('already decided'));
    expect(gone.body).toMatchObject({ channel: DM, user: USER });
    expect(batchModifies()).toBe(1);
  });

  it('runs nothing on Cancel or Edit, and refuses a press by someone else', async () => {
    const { ts } = await ask('show me 2 unread emails');
    const card = cardIn((await ask('mark the first one as read', { threadTs: ts })).stop);
    await press('approve', card, 'U0MALLORY');
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postEphemeral' && String(a.body.text).includes('Only the person who asked'));
    await press('cancel', card);
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.update' && String(a.body.text).includes('Cancelled'));
    await press('approve', card);
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postEphemeral' && String(a.body.text).includes('already decided'));
    const edited = cardIn((await ask('mark the second one as read', { threadTs: ts })).stop);
    await press('edit', edited);
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.update' && String(a.body.text).includes('Tell me'));
    expect(batchModifies()).toBe(0);
    expect(stored.every((m) => m.unread)).toBe(true);
  });

  it('an event the agent read from the words is created only on Approve', async () => {
    h.activateCalendar(USER);
    const { stop } = await ask('add an event tomorrow at 3pm called Design review');
    const card = cardIn(stop);
    expect(card.text).toContain('Design review');
    expect(card.text).toContain('Google Calendar');
    expect(h.calendar.events).toEqual([]);
    await press('approve', card);
    await until(() => h.calendar.events.length === 1, 'the event to be created');
    expect(h.calendar.events[0]?.summary).toBe('Design review');
  });

  it('an alert is proposed as a card, never raised on the words alone', async () => {
    const { stop } = await ask('alert the team: deploy failed');
    expect(JSON.stringify(stop.body.blocks)).toContain('alert_proposal:post');
    expect(callsOf('chat.postMessage').filter((c) => JSON.stringify(c.body).includes('deploy failed'))).toEqual([]);
  });
});

describe('replying to an email with a Gmail draft', () => {
  beforeEach(() => {
    h.gmail.reset();
    stored = [0, 1, 2].map((i) =>
      h.gmail.addMessage({
        from: `Sender ${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: `snippet ${i}`,
        headers: [{ name: 'References', value: `<root${i}@mail.example.com>` }],
      }),
    );
  });

  function draftCardIn(stop: RecordedCall): { id: string; ts: string; text: string } {
    const card = cardIn(stop);
    expect(card.text).toContain('"text":"Send"');
    expect(card.text).toContain('"text":"Discard"');
    return card;
  }

  it('"reply to Sender 1: …" drafts a threaded reply, and sends it only on Send, once', async () => {
    const { ts } = await ask('show me 3 unread emails');
    const { stop } = await ask('reply to Sender 1: Thursday works for me', { threadTs: ts });
    const card = draftCardIn(stop);
    expect(card.text).toContain('Thursday works for me');
    expect(card.text).toContain('s1@example.com');
    expect(stop.body.session_status).toBe('suspended');
    const drafts = [...h.gmail.drafts.drafts.values()];
    expect(drafts).toHaveLength(1);
    const mime = drafts[0]!.mime;
    expect(drafts[0]!.threadId).toBe(stored[1]!.threadId);
    expect(mime).toMatch(/^To: Sender 1 <s1@example\.com>\r?$/m);
    expect(mime).toMatch(/^Subject: Re: Subject 1\r?$/m);
    const original = stored[1]!.headers.find((header) => header.name.toLowerCase() === 'message-id')!.value;
    expect(original).toMatch(/^<.+>$/);
    expect(mime).toContain(`\r\nIn-Reply-To: ${original}\r\n`);
    expect(mime).toContain(`\r\nReferences: <root1@mail.example.com> ${original}\r\n`);
    expect(mime).toContain('Thursday works for me');
    expect(h.gmail.drafts.sent).toEqual([]);

    await press('approve', card);
    await until(() => h.gmail.drafts.sent.length === 1, 'the draft to be sent');
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && JSON.stringify(a.body).includes('Sent.'));
    await press('approve', card);
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postEphemeral' && String(a.body.text).includes('already decided'));
    expect(h.gmail.drafts.sent).toHaveLength(1);
    expect(h.gmail.drafts.drafts.size).toBe(0);
  });

  it('Discard deletes the draft and sends nothing', async () => {
    const { ts } = await ask('show me 3 unread emails');
    const card = draftCardIn((await ask('reply to the first one: No, thanks', { threadTs: ts })).stop);
    expect(h.gmail.drafts.drafts.size).toBe(1);
    await press('cancel', card);
    await until(() => h.gmail.drafts.drafts.size === 0, 'the draft to be deleted');
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.update' && String(a.body.text).includes('Discarded'));
    expect(h.gmail.drafts.sent).toEqual([]);
  });

  it('asks an account connected without gmail.compose to reconnect, saying why', async () => {
    // Its own user: the read-only grant must not leak into the other tests.
    const user = 'U0READONLY';
    h.gmail.allowReadOnlyToken(h.activate(user));
    const { ts } = await ask('show me 3 unread emails', { user });
    await ask('reply to Sender 2: ok', { threadTs: ts, user });
    const dm = await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && a.body.channel === `D${user}` && JSON.stringify(a.body).includes('/connect/'));
    expect(JSON.stringify(dm)).toContain('draft replies to your email');
    expect(h.gmail.drafts.drafts.size).toBe(0);
  });
});
