/**
 * Agent conversations planned by the chat model in several steps, through the real bot: the
 * OpenAI-compatible stand-in replays recorded tool-calling conversations (test/fixtures/llm/plan-*)
 * and checks every request it gets (tools declared with JSON schemas, each tool result sent back
 * with its call's id); Gmail and Calendar stand-ins carry out the steps.
 */
import type { AnyChunk } from '@slack/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { appContextChangedEvent, sendBlockAction, sendEvent, sendViewSubmission, type ContextEntity } from '../helpers/slackRequests.ts';
import { startLlmStandin, type LlmStandin } from '../standins/llmStandin.ts';
import type { RecordedCall } from '../standins/slackApi.ts';

const USER = 'U0PLANNER';
const DM = `D${USER}`;
const MAX_STEPS = 3;
/** Only in the email's body: wherever it shows up, a tool result went there. */
const SECRET_LINE = 'bring hiking boots';
let h: Harness;
let llm: LlmStandin;
let events = 0;

const stops = () => h.slack.calls.filter((c) => c.method === 'chat.stopStream');

async function ask(text: string, threadTs?: string): Promise<{ ts: string; stop: RecordedCall }> {
  const before = stops().length;
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
  const message = { type: 'message', channel: DM, channel_type: 'im', user: USER, text, ts, team: TEAM, ...(threadTs ? { thread_ts: threadTs } : {}) };
  await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, message, { eventId: `EvPlan${events}`, teamId: TEAM });
  await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && stops().length > before, 15_000);
  return { ts, stop: stops().at(-1)! };
}

async function press(card: RecordedCall, verb: 'approve' | 'edit' | 'cancel'): Promise<RecordedCall> {
  const blocks = card.body.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
  const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === `agent_step:${verb}`);
  expect(button?.value).toBeDefined();
  const before = stops().length;
  await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
    actionId: `agent_step:${verb}`, value: button!.value!, userId: USER, teamId: TEAM, channelId: DM, messageTs: String(card.body.ts),
  });
  await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && stops().length > before, 15_000);
  return stops().at(-1)!;
}

/**
 * Someone who has not connected Gmail asks about Alice's offsite (the read-only plan): resolves once
 * the thread holds its first answer (the connect button), with a view of that thread's answers.
 */
async function askBeforeConnecting(newcomer: string): Promise<{ dm: string; inThread: () => RecordedCall[] }> {
  const dm = `D${newcomer}`;
  llm.replayConversation('plan-read-only');
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
  const inThread = () => h.slack.calls.filter((c) => c.method === 'chat.stopStream' && h.slack.agent.streams.get(String(c.body.ts))?.threadTs === ts);
  await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'message', channel: dm, channel_type: 'im', user: newcomer, text: 'what does Alice say about the offsite?', ts, team: TEAM }, { eventId: `EvPlan${events}`, teamId: TEAM });
  await h.slack.waitFor(() => inThread().length === 1, 15_000);
  return { dm, inThread };
}

function chunksOf(stop: RecordedCall): AnyChunk[] {
  return h.slack.agent.streams.get(String(stop.body.ts))?.chunks ?? [];
}

/** Each task's last status, by title, in the order first shown. */
function tasksOf(stop: RecordedCall): Array<[string, string]> {
  const last = new Map<string, string>();
  for (const chunk of chunksOf(stop)) if (chunk.type === 'task_update') last.set(chunk.title, chunk.status);
  return [...last];
}

function streamedText(stop: RecordedCall): string {
  return chunksOf(stop).flatMap((chunk) => (chunk.type === 'markdown_text' ? [chunk.text] : [])).join('');
}

function addAliceOffsite(): void {
  h.gmail.addMessage({
    id: 'offsite0000000001',
    from: 'Alice <alice@example.com>',
    subject: 'Team offsite',
    date: new Date(Date.now() - 3 * 86_400_000),
    snippet: 'How about Friday 10 December?',
    unread: false,
    text: `Hi all,\n\nHow about Friday 10 December for the team offsite? Please ${SECRET_LINE}.\n\nAlice`,
  });
  h.gmail.addMessage({ from: 'Bob <bob@example.com>', subject: 'Lunch', date: new Date(), snippet: 'lunch?' });
}

beforeAll(async () => {
  llm = await startLlmStandin();
  h = await startHarness({
    LLM_BASE_URL: llm.url, LLM_API_KEY: 'sk-planner-test-key-0123456789', LLM_MODEL: 'standin-model', LLM_RATE_BURST: '100', AGENT_MAX_STEPS: String(MAX_STEPS),
  });
});
afterAll(async () => {
  await h?.close();
  await llm?.close();
});
beforeEach(async () => {
  await h.settle();
  h.gmail.reset();
  h.calendar.reset();
  llm.reset();
  h.activate(USER);
  h.activateCalendar(USER);
  addAliceOffsite();
});

describe('an agent conversation planned by the chat model', () => {
  it('finds the email, reads it, proposes the event on its date, creates it on Approve, and streams the answer', async () => {
    llm.replayConversation('plan-offsite');
    const { stop: card } = await ask('find the email from Alice about the offsite and put the date it proposes in my calendar');
    // Two read steps ran at once and are shown as done; the writing step waits on its card.
    expect(tasksOf(card)).toEqual([['Searching your mail', 'complete'], ['Reading the email', 'complete'], ['Creating the event', 'pending']]);
    expect(JSON.stringify(card.body.blocks)).toContain('Team offsite');
    expect(card.body.session_status).toBe('suspended');
    expect(h.calendar.events).toEqual([]);
    expect(h.gmail.requests.some((r) => r.path.endsWith('/messages') && r.query.get('q') === 'from:alice subject:offsite')).toBe(true);
    expect(h.gmail.requests.some((r) => r.path.endsWith('/messages/offsite0000000001') && r.query.get('format') === 'full')).toBe(true);

    const answer = await press(card, 'approve');
    expect(h.calendar.events).toHaveLength(1);
    expect(h.calendar.events[0]).toMatchObject({ summary: 'Team offsite', start: { date: '2027-12-10' } });
    expect(tasksOf(answer)).toEqual([['Creating the event', 'complete']]);
    expect(streamedText(answer)).toContain('she proposes Friday 10 December');
    expect(answer.body.channel).toBe(DM);
    // Every request the model got was well formed and carried what the recorded turn expected.
    expect(llm.problems).toEqual([]);
    expect(llm.requests).toHaveLength(4);
    const tools = llm.requests[0]!.body.tools!;
    expect(tools.find((t) => t.function.name === 'search_email')?.function.parameters).toMatchObject({ type: 'object', properties: { query: { type: 'string' } } });
    const last = llm.requests[3]!.body.messages!.at(-1)!;
    expect(last).toMatchObject({ role: 'tool', tool_call_id: 'call_event_1' });
  });

  it('Edit on the proposed event: the modal is prefilled, the saved edit changes the step, Approve creates the edited event and the model is told its result', async () => {
    llm.replayConversation('plan-offsite-edited');
    const { stop: card } = await ask('find the email from Alice about the offsite and put the date it proposes in my calendar');
    expect(JSON.stringify(card.body.blocks)).toContain('Team offsite');
    const views = () => h.slack.calls.filter((c) => c.method === 'views.open');
    const openedBefore = views().length;
    const blocks = card.body.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
    const approvalId = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'agent_step:edit')!.value!;
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
      actionId: 'agent_step:edit', value: approvalId, userId: USER, teamId: TEAM, channelId: DM, messageTs: String(card.body.ts),
    });
    await until(() => views().length > openedBefore, 'the Edit modal');
    const modal = views().at(-1)!.body.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string; element?: { initial_value?: string; initial_date_time?: number } }> };
    expect(modal.callback_id).toBe('agent_event_edit');
    const field = (id: string) => modal.blocks.find((b) => b.block_id === id)?.element;
    expect(field('title')?.initial_value).toBe('Team offsite');
    const proposedStart = field('start')!.initial_date_time!;
    expect(new Date(proposedStart * 1000).toISOString()).toBe('2027-12-10T09:00:00.000Z'); // 10am in Berlin
    // Moved to the afternoon and renamed.
    const start = proposedStart + 4 * 3600;
    const at = (seconds: number) => ({ type: 'datetimepicker', selected_date_time: seconds });
    const saved = await sendViewSubmission(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
      callbackId: modal.callback_id, userId: USER, teamId: TEAM, privateMetadata: modal.private_metadata,
      values: { title: { value: 'Team offsite, afternoon' }, start: { value: at(start) }, end: { value: at(start + 7200) } },
    });
    expect(saved.body).toBe(''); // the modal closes
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.update' && a.body.ts === card.body.ts && JSON.stringify(a.body.blocks).includes('Team offsite, afternoon'), 15_000);
    expect(h.calendar.events).toEqual([]);
    expect(llm.requests).toHaveLength(3); // the plan waits on the card

    const answer = await press(card, 'approve');
    expect(h.calendar.events).toHaveLength(1);
    expect(h.calendar.events[0]!.summary).toBe('Team offsite, afternoon');
    expect(Date.parse(h.calendar.events[0]!.start.dateTime!)).toBe(start * 1000);
    expect(Date.parse(h.calendar.events[0]!.end.dateTime!)).toBe((start + 7200) * 1000);
    expect(llm.problems).toEqual([]);
    expect(llm.requests).toHaveLength(4);
    const told = llm.requests[3]!.body.messages!.at(-1)!;
    expect(told).toMatchObject({ role: 'tool', tool_call_id: 'call_event_1' });
    expect(told.content).toContain('Team offsite, afternoon');
    expect(told.content).toContain('2027-12-10T13:00:00');
    expect(told.content).toContain('changed');
    expect(streamedText(answer)).toContain('at the time you chose');
  });

  it('Edit on a planned step without a form (marking as read) drops it, and the model is told and asks what to change: the plan does not hang', async () => {
    const call = (id: string, name: string, args: object) => ({ id, type: 'function', function: { name, arguments: JSON.stringify(args) } });
    const turn = (message: object) => ({ body: { id: 'c', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: 'stop' }] } });
    llm.reply(turn({ tool_calls: [call('call_mark_1', 'mark_email_read', { ids: ['offsite0000000001'] })] }));
    llm.reply({ ...turn({ content: 'Nothing was marked. Which emails should I mark as read?' }), expect: { toolResultFor: 'call_mark_1', toolResultContains: 'Edit' } });
    const { stop: card } = await ask('mark the offsite email as read');
    const answer = await press(card, 'edit');
    expect(streamedText(answer)).toContain('Which emails should I mark as read?');
    expect(llm.problems).toEqual([]);
    expect(h.gmail.requests.filter((r) => r.path.endsWith('batchModify') || r.path.endsWith('/modify'))).toEqual([]);
    // Nothing is left waiting in the thread: a second press finds the step decided.
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.update' && a.body.ts === card.body.ts && String(a.body.text).includes('Tell me'), 15_000);
  });

  it('a step that needs a connection the user has not made: the connect button in the thread, and once they connect the plan goes on there and the answer is streamed', async () => {
    const newcomer = 'U0PLANLATE';
    const { dm, inThread } = await askBeforeConnecting(newcomer);
    const prompt = inThread()[0]!;
    expect(prompt.body.channel).toBe(dm);
    expect(JSON.stringify(prompt.body.blocks)).toContain('/connect/');
    expect(llm.requests).toHaveLength(1); // the plan waits: the model is not asked again yet

    expect((await h.connect(authorizationLinkIn(prompt), undefined, { userId: newcomer, teamId: TEAM })).status).toBe(200);
    await h.slack.waitFor(() => inThread().length === 2, 15_000);
    const answer = inThread()[1]!;
    expect(answer.body.channel).toBe(dm);
    // The waiting step ran and went to the model, which read the email and answered.
    expect(tasksOf(answer)).toEqual([['Searching your mail', 'complete'], ['Reading the email', 'complete']]);
    expect(streamedText(answer)).toContain('Alice proposes Friday 10 December');
    expect(llm.problems).toEqual([]);
    expect(llm.requests).toHaveLength(3);
    expect(llm.requests[1]!.body.messages!.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_search_1' });
    // Not answered a second time as a bare step result.
    await h.slack.quiet(300);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === dm && JSON.stringify(c.body).includes('Team offsite'))).toEqual([]);
  });

  it('a step that fails once the user has connected ends the plan in the thread with a clear message, the model not asked again', async () => {
    const newcomer = 'U0PLANFAIL';
    const { inThread } = await askBeforeConnecting(newcomer);
    h.gmail.failNext(1, { status: 400, reason: 'badRequest' });
    expect((await h.connect(authorizationLinkIn(inThread()[0]!), undefined, { userId: newcomer, teamId: TEAM })).status).toBe(200);
    await h.slack.waitFor(() => inThread().length === 2, 15_000);
    const answer = inThread()[1]!;
    expect(tasksOf(answer)).toEqual([['Searching your mail', 'error']]);
    expect(JSON.stringify(answer.body.blocks)).toContain("Gmail isn't answering right now");
    expect(JSON.stringify(answer.body.blocks)).toContain('context_actions');
    expect(llm.requests).toHaveLength(1);
    expect(llm.problems).toEqual([]);
  });

  it('an approved step whose calendar is not connected: once the user connects, the event is created and the plan finishes in the thread', async () => {
    const user = 'U0PLANCAL';
    const dm = `D${user}`;
    h.activate(user); // Gmail, not Calendar
    llm.replayConversation('plan-offsite');
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
    const inThread = () => h.slack.calls.filter((c) => c.method === 'chat.stopStream' && h.slack.agent.streams.get(String(c.body.ts))?.threadTs === ts);
    await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'message', channel: dm, channel_type: 'im', user, text: 'find the email from Alice about the offsite and put the date it proposes in my calendar', ts, team: TEAM }, { eventId: `EvPlan${events}`, teamId: TEAM });
    await h.slack.waitFor(() => inThread().length === 1, 15_000);
    const card = inThread()[0]!;
    const approve = (card.body.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>).flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'agent_step:approve')!;
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'agent_step:approve', value: approve.value!, userId: user, teamId: TEAM, channelId: dm, messageTs: String(card.body.ts) });
    await h.slack.waitFor(() => inThread().length === 2, 15_000);
    const prompt = inThread()[1]!;
    expect(JSON.stringify(prompt.body.blocks)).toContain('/connect/');
    expect(h.calendar.events).toEqual([]);

    expect((await h.connect(authorizationLinkIn(prompt), undefined, { userId: user, teamId: TEAM })).status).toBe(200);
    await h.slack.waitFor(() => inThread().length === 3, 15_000);
    const answer = inThread()[2]!;
    expect(h.calendar.events).toHaveLength(1);
    expect(h.calendar.events[0]).toMatchObject({ summary: 'Team offsite', start: { date: '2027-12-10' } });
    expect(tasksOf(answer)).toEqual([['Creating the event', 'complete']]);
    expect(streamedText(answer)).toContain('I added *Team offsite* to your calendar');
    expect(llm.problems).toEqual([]);
    expect(llm.requests).toHaveLength(4);
  });

  it('tool results go to the model and the asker\'s DM thread only: no other channel, no metadata, no log', async () => {
    llm.replayConversation('plan-read-only');
    const { stop } = await ask('what does Alice say about the offsite?');
    expect(llm.problems).toEqual([]);
    expect(JSON.stringify(llm.requests[2]?.body.messages)).toContain(SECRET_LINE);
    expect(streamedText(stop)).toContain('hiking boots');
    const carrying = h.slack.calls.filter((c) => JSON.stringify(c.body).includes('hiking boots'));
    expect(carrying.length).toBeGreaterThan(0);
    for (const call of carrying) {
      expect(call.body.channel).toBe(DM);
      expect(JSON.stringify(call.body.metadata ?? null)).not.toContain('hiking boots');
    }
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && JSON.stringify(c.body).includes('hiking boots'))).toEqual([]);
    expect(h.logs.lines.filter((line) => line.includes('hiking boots') || line.includes(SECRET_LINE))).toEqual([]);
  });

  it('reads a follow-up in the thread with the earlier request and answer in context', async () => {
    llm.replayConversation('plan-read-only');
    const { ts: thread } = await ask('what does Alice say about the offsite?');
    llm.reply({ body: { id: 'c', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Hiking boots.' }, finish_reason: 'stop' }] } });
    const { stop } = await ask('so what should I bring?', thread);
    expect(streamedText(stop)).toContain('Hiking boots.');
    const messages = llm.requests.at(-1)!.body.messages!;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1]).toEqual({ role: 'user', content: 'what does Alice say about the offsite?' });
    expect(messages[2]!.content).toContain('Alice proposes Friday 10 December');
    expect(messages[3]).toEqual({ role: 'user', content: 'so what should I bring?' });
  });

  it('stops when the step budget runs out, and says so with what was done', async () => {
    llm.replayConversation('plan-too-many-steps');
    const { stop } = await ask('look for anything about the offsite, keep looking');
    const text = streamedText(stop);
    expect(text).toContain(`limit of ${MAX_STEPS} steps`);
    expect(text).toContain('Done so far:\n• Searching your mail\n• Searching your mail\n• Searching your mail');
    expect(h.gmail.requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(MAX_STEPS);
    expect(llm.requests).toHaveLength(MAX_STEPS + 1);
    expect(llm.problems).toEqual([]);
  });

  it('Stop during a model call aborts it and closes the answer', async () => {
    llm.reply({ body: {}, hang: true });
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
    await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'message', channel: DM, channel_type: 'im', user: USER, text: 'find the offsite email', ts, team: TEAM }, { eventId: `EvPlan${events}`, teamId: TEAM });
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'agents.sessions.setStatus' && a.body.thread_ts === ts, 15_000);
    await until(() => llm.requests.length === 1, 'the model call');
    const abandonedBefore = llm.abandoned;
    const before = stops().length;
    await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'agent_session_stopped', channel: DM, user: USER, thread_ts: ts, streaming_message_ts: [] }, { eventId: `EvPlan${++events}`, teamId: TEAM });
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && stops().length > before, 15_000);
    expect(JSON.stringify(stops().at(-1)!.body)).toContain('Stopped');
    await until(() => llm.abandoned > abandonedBefore, 'the model call to be given up');
    await h.slack.settle(300);
    expect(llm.requests).toHaveLength(1);
    expect(h.gmail.requests).toEqual([]);
  });

  it('Cancel on the writing step: nothing is created, the model is told and finishes its answer', async () => {
    llm.replayConversation('plan-offsite-declined');
    const { stop: card } = await ask('find the email from Alice about the offsite and put the date it proposes in my calendar');
    const answer = await press(card, 'cancel');
    expect(h.calendar.events).toEqual([]);
    expect(streamedText(answer)).toContain('I did not add the offsite');
    expect(llm.problems).toEqual([]);
    expect(llm.requests.at(-1)!.body.messages!.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_event_1' });
  });

  it('invalid arguments go back to the model as a tool error once; the second bad call stops the plan with a clear message', async () => {
    llm.replayConversation('plan-invalid-twice');
    const { stop } = await ask('search my mail');
    expect(llm.problems).toEqual([]);
    expect(llm.requests).toHaveLength(2);
    expect(h.gmail.requests).toEqual([]);
    expect(streamedText(stop)).toContain('asked twice for steps I cannot take');
  });

  it('an alert the model proposes is shown on the alert card to confirm, and nothing is posted yet', async () => {
    llm.replyWithFixture('alert');
    const { stop } = await ask('tell ops the db is down, critical');
    const elements = (stop.body.blocks as Array<{ elements?: Array<{ action_id?: string }> }>).flatMap((b) => b.elements ?? []);
    expect(elements.map((e) => e.action_id)).toContain('alert_proposal:post');
    expect(JSON.stringify(stop.body.blocks)).toContain('db down');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel !== DM)).toEqual([]);
    expect(llm.requests).toHaveLength(1);
  });

  it('"this channel" through the model: the alert card proposes the channel the user views, and asks which when they view none', async () => {
    const call = { id: 'call_here_1', type: 'function', function: { name: 'send_team_alert', arguments: JSON.stringify({ text: 'standup moved to 10', thisChannel: true }) } };
    const turn = { body: { id: 'c', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls' }] } };
    const viewing = (entities: ContextEntity[]) =>
      sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, appContextChangedEvent(USER, DM, entities), { eventId: `EvCtx${++events}`, teamId: TEAM });
    const tools = () => llm.requests[0]!.body.tools as Array<{ function: { name: string; parameters: { properties: Record<string, unknown> } } }>;

    expect((await viewing([{ type: 'slack#/types/channel_id', value: 'C0PLANVIEW' }])).status).toBe(200);
    await h.settle();
    llm.reply(turn);
    const { stop } = await ask('tell this channel that standup moved to 10');
    expect(tools().find((tool) => tool.function.name === 'send_team_alert')!.function.parameters.properties).toHaveProperty('thisChannel');
    const blocks = JSON.stringify(stop.body.blocks);
    expect(blocks).toContain('alert_proposal:post');
    expect(blocks).toContain('<#C0PLANVIEW>');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0PLANVIEW')).toEqual([]); // only proposed

    expect((await viewing([{ type: 'slack#/types/canvas_id', value: 'F0CANVAS' }])).status).toBe(200);
    await h.settle();
    llm.reply(turn);
    const unknown = JSON.stringify((await ask('tell this channel that standup moved to 10')).stop.body.blocks);
    expect(unknown).toContain('cannot tell which channel');
    expect(unknown).not.toContain('alert_proposal:post');
    expect(llm.problems).toEqual([]);
  });

  it("a plan that outlives its stream finishes with chat.update carrying the model's answer and the feedback buttons", async () => {
    llm.replayConversation('plan-read-only');
    const release = llm.holdQueued(2); // the answer, once both read steps ran
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
    await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'message', channel: DM, channel_type: 'im', user: USER, text: 'what does Alice say about the offsite?', ts, team: TEAM }, { eventId: `EvPlan${events}`, teamId: TEAM });
    await until(() => llm.requests.length === 3, 'the model to be asked for its answer');
    const stream = [...h.slack.agent.streams.values()].find((s) => s.threadTs === ts);
    expect(stream?.state).toBe('streaming');
    h.slack.agent.expireStreams(); // Slack's five minutes are up
    release();
    const update = await h.slack.waitFor((a): a is RecordedCall => a.kind === 'call' && a.method === 'chat.update' && a.body.ts === stream!.ts, 15_000);
    expect(update.body.channel).toBe(DM);
    const blocks = update.body.blocks as Array<{ type: string; text?: unknown }>;
    expect(blocks[0]).toEqual({ type: 'markdown', text: 'Alice proposes Friday 10 December for the offsite, and asks everyone to bring hiking boots.' });
    expect(blocks.at(-1)?.type).toBe('context_actions');
    expect(update.answer).toMatchObject({ ok: true });
    expect(llm.problems).toEqual([]);
  });

  it('a model answering with an HTTP error gets a clear message, and nothing is done', async () => {
    llm.reply({ status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } });
    const { stop } = await ask('find the offsite email');
    expect(streamedText(stop)).toContain('The chat model could not be reached');
    expect(JSON.stringify(stop.body)).not.toContain('overloaded');
    expect(h.gmail.requests).toEqual([]);
  });
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
