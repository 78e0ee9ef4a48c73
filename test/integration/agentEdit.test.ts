/**
 * Edit on the agent's cards, and the channel a user views, through the real bot: Edit opens a
 * modal prefilled with the step; a bad save is answered under its field; a good one changes the
 * step (once, only its user's, only while it waits) and the card in the thread, and Approve then
 * does the edited step. `app_context_changed` makes the viewed channel the one an alert is proposed for.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { appContextChangedEvent, sendBlockAction, sendEvent, sendViewSubmission, type ContextEntity, type SentRequest } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';
import type { StoredMessage } from '../standins/gmailStandinMailbox.ts';

let h: Harness;
/** The bot's clock runs this far ahead of the real one (to expire a waiting step). */
let skewMs = 0;
let events = 0;
const USER = 'U0EDIT';
const DM = `D${USER}`;
const HOUR = 3_600_000;
const isCall = (method: string) => (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method;
const callsOf = (method: string) => h.slack.calls.filter((c) => c.method === method);

beforeAll(async () => {
  h = await startHarness({}, { now: () => new Date(Date.now() + skewMs) });
});
afterAll(async () => {
  await h?.close();
});
let stored: StoredMessage[] = [];
beforeEach(async () => {
  skewMs = 0;
  await h.settle();
  h.gmail.reset();
  h.calendar.reset();
  h.activate(USER);
  h.activateCalendar(USER);
  stored = [0, 1].map((i) =>
    h.gmail.addMessage({
      from: `Sender ${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: `snippet ${i}`,
      headers: [{ name: 'References', value: `<root${i}@mail.example.com>` }],
    }),
  );
});

/** Sends a message in the Messages tab (message.im, in a thread) and waits for its answer's stream to stop. */
async function ask(text: string, options: { threadTs?: string } = {}) {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
  const message = { type: 'message', channel: DM, channel_type: 'im', user: USER, text, ts, team: TEAM, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) };
  expect((await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, message, { eventId: `EvEdit${++events}`, teamId: TEAM })).status).toBe(200);
  const thread = options.threadTs ?? ts;
  const inThread = () => callsOf('chat.stopStream').filter((c) => h.slack.agent.streams.get(String(c.body.ts))?.threadTs === thread);
  const before = inThread().length;
  await h.slack.waitFor(() => inThread().length > before, 10_000);
  return { ts, stop: inThread().at(-1)! };
}

/** The card an answer ended with: the id its buttons carry, its message ts and its blocks as text. */
function cardIn(stop: RecordedCall, approveAction = 'agent_step:approve'): { id: string; ts: string; text: string } {
  const blocks = stop.body.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
  const approve = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === approveAction);
  if (!approve?.value) throw new Error(`no card in ${JSON.stringify(blocks).slice(0, 300)}`);
  return { id: approve.value, ts: String(stop.body.ts), text: JSON.stringify(blocks) };
}

function press(actionId: string, card: { id: string; ts: string }, user = USER) {
  return sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId, value: card.id, userId: user, teamId: TEAM, channelId: DM, messageTs: card.ts });
}

interface OpenedModal {
  callback_id: string;
  private_metadata: string;
  blocks: Array<{ type: string; block_id?: string; element?: { type: string; initial_value?: string; initial_date_time?: number } }>;
}

/** Presses Edit and gives the modal views.open showed. */
async function openEdit(actionId: string, card: { id: string; ts: string }): Promise<OpenedModal> {
  const before = callsOf('views.open').length;
  expect((await press(actionId, card)).status).toBe(200);
  const opened = await h.slack.waitFor(() => callsOf('views.open').length > before);
  const call = callsOf('views.open').at(-1)!;
  expect(call.answer, JSON.stringify(call.answer)).toMatchObject({ ok: true });
  expect(call.body.trigger_id).toEqual(expect.any(String));
  void opened;
  return call.body.view as OpenedModal;
}

const element = (modal: OpenedModal, block: string) => modal.blocks.find((b) => b.block_id === block)?.element;

function save(modal: OpenedModal, values: Record<string, Record<string, string | Record<string, unknown>>>, user = USER): Promise<SentRequest> {
  return sendViewSubmission(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
    callbackId: modal.callback_id, userId: user, teamId: TEAM, privateMetadata: modal.private_metadata, values,
  });
}

const answerOf = (sent: SentRequest) => (sent.body ? (JSON.parse(sent.body) as { response_action?: string; errors?: Record<string, string>; view?: unknown }) : {});
const at = (seconds: number) => ({ type: 'datetimepicker', selected_date_time: seconds });

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The chat.update that rewrote the card at `ts` with words matching `text`. */
const cardUpdate = (ts: string, text: string) =>
  h.slack.waitFor((a): a is RecordedCall => isCall('chat.update')(a) && a.body.ts === ts && JSON.stringify(a.body.blocks).includes(text));

describe('Edit on an event the agent proposed', () => {
  it('opens a modal with the title, start and end; a bad save is answered under the field; a good one changes the card, and Approve adds the edited event', async () => {
    const card = cardIn((await ask('add an event tomorrow at 3pm called Design review')).stop);
    const modal = await openEdit('agent_step:edit', card);
    expect(modal.callback_id).toBe('agent_event_edit');
    expect(element(modal, 'title')?.initial_value).toBe('Design review');
    const start = element(modal, 'start')?.initial_date_time ?? 0;
    const end = element(modal, 'end')?.initial_date_time ?? 0;
    expect(new Date(start * 1000).getUTCHours()).toBe(14); // 3pm in Berlin, in winter
    expect(end - start).toBe(1800); // an event's length unless told
    expect(modal.private_metadata).not.toContain('Design review');

    // Ends before it starts: refused in the modal, nothing changed.
    const bad = await save(modal, { title: { value: 'Design review, moved' }, start: { value: at(start + 86_400) }, end: { value: at(start) } });
    expect(bad.status).toBe(200);
    expect(answerOf(bad)).toMatchObject({ response_action: 'errors', errors: { end: expect.stringContaining('end after it starts') } });
    const empty = await save(modal, { title: { value: '   ' }, start: { value: at(start) }, end: { value: at(end) } });
    expect(answerOf(empty)).toMatchObject({ response_action: 'errors', errors: { title: expect.any(String) } });

    const good = await save(modal, { title: { value: 'Design review, moved' }, start: { value: at(start + 86_400) }, end: { value: at(start + 86_400 + 1800) } });
    expect(good.status).toBe(200);
    expect(answerOf(good).response_action).toBeUndefined(); // the modal closes
    const updated = await cardUpdate(card.ts, 'Design review, moved');
    expect(updated.body.channel).toBe(DM);
    expect(JSON.stringify(updated.body.blocks)).toContain('agent_step:approve'); // still waiting
    expect(h.calendar.events).toEqual([]);

    // Saved once: the same modal saved again changes nothing.
    const again = await save(modal, { title: { value: 'Something else' }, start: { value: at(start) }, end: { value: at(end) } });
    expect(answerOf(again)).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(answerOf(again).view)).toContain('nothing was changed');

    await press('agent_step:approve', card);
    await until(() => h.calendar.events.length === 1, 'the event to be created');
    const event = h.calendar.events[0]!;
    expect(event.summary).toBe('Design review, moved');
    expect(Date.parse(event.start.dateTime!)).toBe((start + 86_400) * 1000);
    expect(Date.parse(event.end.dateTime!)).toBe((start + 86_400 + 1800) * 1000);
  });

  it("refuses someone else's save, and a save after the step expired; the step stays as it was", async () => {
    const card = cardIn((await ask('add an event tomorrow at 3pm called Standup')).stop);
    skewMs = 50 * 60_000; // Edit pressed late in the step's hour: the modal outlives the step
    const modal = await openEdit('agent_step:edit', card);
    skewMs = 0;
    const start = element(modal, 'start')?.initial_date_time ?? 0;
    const values = { title: { value: 'Hijacked' }, start: { value: at(start) }, end: { value: at(start + 60) } };

    const mallory = await save(modal, values, 'U0MALLORY');
    expect(answerOf(mallory)).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(answerOf(mallory).view)).toContain('Only the person who asked');

    skewMs = 61 * 60_000; // past the step's hour, not the modal's
    const updatesBefore = callsOf('chat.update').length;
    const late = await save(modal, values);
    skewMs = 0;
    expect(answerOf(late)).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(answerOf(late).view)).toContain('expired');
    await h.slack.quiet(300);
    expect(callsOf('chat.update').slice(updatesBefore)).toEqual([]);

    // What Approve adds is the step as proposed.
    await press('agent_step:approve', card);
    await until(() => h.calendar.events.length === 1, 'the event to be created');
    expect(h.calendar.events[0]?.summary).toBe('Standup');
  });

  it('a press of Edit by someone else opens nothing', async () => {
    const card = cardIn((await ask('add an event tomorrow at 3pm called Retro')).stop);
    await press('agent_step:edit', card, 'U0MALLORY');
    await h.slack.waitFor((a) => isCall('chat.postEphemeral')(a) && String(a.body.text).includes('Only the person who asked'));
    expect(callsOf('views.open')).toEqual([]);
  });
});

describe('Edit on a drafted reply', () => {
  it('updates the same Gmail draft in its thread, shows the new words on the card, and Send sends them', async () => {
    const { ts } = await ask('show me 2 unread emails');
    const card = cardIn((await ask('reply to Sender 1: See you Monday', { threadTs: ts })).stop);
    const [draftId] = [...h.gmail.drafts.drafts.keys()];
    const modal = await openEdit('agent_step:edit', card);
    expect(modal.callback_id).toBe('agent_draft_edit');
    expect(element(modal, 'reply')?.initial_value).toBe('See you Monday');
    expect(modal.private_metadata).not.toContain('See you');

    const bad = await save(modal, { reply: { text: ' ' } });
    expect(answerOf(bad)).toMatchObject({ response_action: 'errors', errors: { reply: expect.any(String) } });

    const good = await save(modal, { reply: { text: 'See you Tuesday instead <!channel>' } });
    expect(answerOf(good).response_action).toBeUndefined();
    await cardUpdate(card.ts, 'See you Tuesday instead');
    const updated = callsOf('chat.update').find((c) => c.body.ts === card.ts)!;
    expect(JSON.stringify(updated.body.blocks)).toContain('&lt;!channel&gt;'); // inert on the card
    const drafts = [...h.gmail.drafts.drafts.values()];
    expect(drafts.map((d) => d.id)).toEqual([draftId]); // the same draft, updated
    const mime = drafts[0]!.mime;
    expect(mime).toContain('See you Tuesday instead');
    expect(mime).not.toContain('See you Monday');
    expect(drafts[0]!.threadId).toBe(stored[1]!.threadId);
    const original = stored[1]!.headers.find((header) => header.name.toLowerCase() === 'message-id')!.value;
    expect(mime).toContain(`\r\nIn-Reply-To: ${original}\r\n`);
    expect(mime).toContain(`\r\nReferences: <root1@mail.example.com> ${original}\r\n`);
    expect(h.gmail.requests.some((r) => r.method === 'PUT' && r.path.endsWith(`/drafts/${draftId}`))).toBe(true);
    expect(h.gmail.drafts.sent).toEqual([]);

    await press('agent_step:approve', card);
    await until(() => h.gmail.drafts.sent.length === 1, 'the draft to be sent');
    expect(h.gmail.drafts.sent[0]!.mime).toContain('See you Tuesday instead');
  });
});

function contextChanged(entities?: ContextEntity[]) {
  return sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, appContextChangedEvent(USER, DM, entities), { eventId: `EvCtx${++events}`, teamId: TEAM });
}

describe('the channel the user views', () => {
  it('is proposed for "alert my team" when the workspace has no team channel; Edit changes the words, and Post posts there', async () => {
    expect((await contextChanged([{ type: 'slack#/types/channel_id', value: 'C0VIEWED' }])).status).toBe(200);
    const prompts = await h.slack.waitFor(isCall('assistant.threads.setSuggestedPrompts'));
    expect(prompts.body).toMatchObject({ channel_id: DM });
    expect(JSON.stringify(prompts.body.prompts)).toContain('Alert this channel');

    const card = cardIn((await ask('alert my team: deploy failed')).stop, 'alert_proposal:post');
    expect(card.text).toContain('<#C0VIEWED>');
    expect(card.text).toContain('the channel you are viewing');
    expect(callsOf('chat.postMessage').filter((c) => c.body.channel === 'C0VIEWED')).toEqual([]); // only proposed

    const modal = await openEdit('alert_proposal:edit', card);
    expect(modal.callback_id).toBe('agent_alert_edit');
    expect(element(modal, 'text')?.initial_value).toBe('deploy failed');
    expect(element(modal, 'channel')?.initial_value).toBe('C0VIEWED');
    const bad = await save(modal, { text: { value: 'deploy failed, rolling back' }, channel: { value: 'not a channel!' } });
    expect(answerOf(bad)).toMatchObject({ response_action: 'errors', errors: { channel: expect.any(String) } });
    const good = await save(modal, { text: { value: 'deploy failed, rolling back' }, channel: { value: 'C0VIEWED' } });
    expect(answerOf(good).response_action).toBeUndefined();
    await cardUpdate(card.ts, 'deploy failed, rolling back');

    await press('alert_proposal:post', card);
    const posted = await h.slack.waitFor((a): a is RecordedCall => isCall('chat.postMessage')(a) && a.body.channel === 'C0VIEWED');
    expect(JSON.stringify(posted.body)).toContain('deploy failed, rolling back');
  });

  it('"tell this channel …" means the viewed channel; once the user views no channel, it asks which', async () => {
    await contextChanged([{ type: 'slack#/types/message_context', value: { channel_id: 'C0OTHER', message_ts: '1700000000.000100' } }]);
    const card = cardIn((await ask('tell this channel: standup moved to 10')).stop, 'alert_proposal:post');
    expect(card.text).toContain('<#C0OTHER>');

    await contextChanged([{ type: 'slack#/types/canvas_id', value: 'F0CANVAS' }]);
    const answer = (await ask('tell this channel: standup moved to 11')).stop;
    expect(JSON.stringify(answer.body.blocks)).toContain('cannot tell which channel');
    expect(JSON.stringify(answer.body.blocks)).not.toContain('alert_proposal:post');
    const noChannel = cardIn((await ask('alert my team: deploy failed')).stop, 'alert_proposal:post');
    expect(noChannel.text).not.toContain('C0OTHER');
  });

  it('"tell this channel: …" in a mention means the channel of the mention', async () => {
    const mention = { type: 'app_mention', user: USER, text: '<@U0BOT> tell this channel: lunch is here', channel: 'C0HERE', ts: `${Date.now() / 1000}` };
    expect((await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, mention, { eventId: `EvMention${++events}`, teamId: TEAM })).status).toBe(200);
    const posted = await h.slack.waitFor((a): a is RecordedCall => isCall('chat.postMessage')(a) && a.body.channel === 'C0HERE', 10_000);
    expect(JSON.stringify(posted.body)).toContain('lunch is here');
  });

  // Last: the team channel it sets stays set for the workspace.
  it('is not proposed over the team channel, but "this channel" still means it', async () => {
    h.slack.setUser(USER, { isAdmin: true });
    // By id, as Slack sends a channel picked in the command: no name lookup (the bot caches channel listings).
    const set = await h.answerOf(await h.command('/alert-channel', USER, '<#C0TEAMCH|team>', { raw: true }));
    expect(JSON.stringify(set.body)).toContain('<#C0TEAMCH>');
    await contextChanged([{ type: 'slack#/types/channel_id', value: 'C0VIEWED' }]);
    await h.slack.settle(300);
    const team = cardIn((await ask('alert my team: deploy failed')).stop, 'alert_proposal:post');
    expect(team.text).toContain('the team channel');
    expect(team.text).not.toContain('C0VIEWED');
    const here = cardIn((await ask('tell this channel: deploy failed')).stop, 'alert_proposal:post');
    expect(here.text).toContain('<#C0VIEWED>');
  });
});
