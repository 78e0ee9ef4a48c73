/**
 * Agent conversations read by the optional chat model (the chat-completions stand-in with recorded
 * answers): the model's reading is carried out in the thread (its result sent back to the model,
 * which writes the answer), and a writing step it proposes waits on its card until Approve.
 * The multi-step plans are in agentPlanner.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction, sendEvent } from '../helpers/slackRequests.ts';
import { startLlmStandin, type LlmStandin } from '../standins/llmStandin.ts';
import type { RecordedCall } from '../standins/slackApi.ts';

const USER = 'U0LLMAGENT';
const DM = `D${USER}`;
let h: Harness;
let llm: LlmStandin;
let events = 0;

/** The model's closing words, after the tool results. */
function finalAnswer(text: string): { body: unknown } {
  return { body: { id: 'chatcmpl-final', object: 'chat.completion', model: 'standin-model', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] } };
}

async function ask(text: string): Promise<RecordedCall> {
  const stops = () => h.slack.calls.filter((c) => c.method === 'chat.stopStream').length;
  const before = stops();
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
  await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'message', channel: DM, channel_type: 'im', user: USER, text, ts, team: TEAM }, { eventId: `EvLlmAgent${events}`, teamId: TEAM });
  await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && stops() > before);
  return h.slack.calls.filter((c) => c.method === 'chat.stopStream').at(-1)!;
}

beforeAll(async () => {
  llm = await startLlmStandin();
  h = await startHarness({ LLM_BASE_URL: llm.url, LLM_API_KEY: 'sk-llm-agent-test-key-0123456789', LLM_MODEL: 'standin-model', LLM_RATE_BURST: '100' });
});
afterAll(async () => {
  await h?.close();
  await llm?.close();
});
beforeEach(async () => {
  await h.settle();
  h.gmail.reset();
  h.calendar.reset();
  llm.requests.length = 0;
  h.activate(USER);
  h.activateCalendar(USER);
  for (let i = 0; i < 4; i++) h.gmail.addMessage({ from: `S${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: 's' });
});

describe('agent conversations with a chat model', () => {
  it('shows what the model chose to read, in the thread', async () => {
    // The recorded answer: show_unread_email with count 3 and the search from:alice.
    llm.replyWithFixture('unread');
    llm.reply(finalAnswer('You have one unread email from Alice.'));
    h.gmail.addMessage({ from: 'Alice <alice@example.com>', subject: 'From Alice', date: new Date(Date.now() - 10 * 60_000), snippet: 's' });
    const stop = await ask('anything from alice waiting for me?');
    expect(llm.requests).toHaveLength(2);
    expect(JSON.stringify(llm.requests[0]?.body.messages)).toContain('anything from alice waiting for me?');
    // What the step found goes back to the model, answering its call.
    expect(llm.requests[1]?.body.messages?.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_unread' });
    expect(llm.requests[1]?.body.messages?.at(-1)?.content).toContain('From Alice');
    expect(JSON.stringify(h.slack.agent.streams.get(String(stop.body.ts))?.chunks)).toContain('You have one unread email from Alice.');
    expect(h.gmail.requests[0]?.query.get('q')).toContain('from:alice');
    expect(h.gmail.requests[0]?.query.get('maxResults')).toBe('3');
    expect(stop.body.channel).toBe(DM);
  });

  it('an event the model proposes waits on its card, and is created on Approve', async () => {
    llm.replyWithFixture('event');
    llm.reply(finalAnswer('Added Design review to your calendar.'));
    const stop = await ask('could you pencil in the design review for tomorrow afternoon at 3');
    expect(h.calendar.events).toEqual([]);
    const blocks = stop.body.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
    const approve = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'agent_step:approve');
    expect(JSON.stringify(blocks)).toContain('Design review');
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
      actionId: 'agent_step:approve', value: approve!.value!, userId: USER, teamId: TEAM, channelId: DM, messageTs: String(stop.body.ts),
    });
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && a.body.ts !== stop.body.ts);
    expect(h.calendar.events.map((e) => e.summary)).toEqual(['Design review']);
    // The model heard the event was created, and wrote the answer that was streamed.
    expect(llm.requests.at(-1)?.body.messages?.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_event' });
    const answer = h.slack.calls.filter((c) => c.method === 'chat.stopStream').at(-1)!;
    expect(JSON.stringify(h.slack.agent.streams.get(String(answer.body.ts))?.chunks)).toContain('Added Design review to your calendar.');
  });
});
