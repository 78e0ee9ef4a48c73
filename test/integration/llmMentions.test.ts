/**
 * Mentions read by the optional chat model, through the real bot against the chat-completions
 * stand-in with recorded answers: a valid proposal is carried out; a malformed one, an invalid one
 * or an HTTP 500 leave the answer to the deterministic parser. The key never reaches the logs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction, sendEvent } from '../helpers/slackRequests.ts';
import { startLlmStandin, type LlmStandin } from '../standins/llmStandin.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';

const LLM_KEY = 'sk-llm-test-key-never-logged-0123456789';
let h: Harness;
let llm: LlmStandin;
let events = 0;
const isCall = (method: string) => (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method;

function mention(text: string, user = 'U0LLM') {
  return sendEvent(
    `${h.botUrl}/slack/events`,
    SIGNING_SECRET,
    { type: 'app_mention', user, text, channel: 'C0GENERAL', ts: `${Date.now() / 1000}` },
    { eventId: `EvLlm${++events}`, teamId: TEAM },
  );
}

beforeAll(async () => {
  llm = await startLlmStandin();
  // One user sends every mention here, faster than the default chat-model budget allows; the
  // budgets have their own tests.
  // A model that never answers is given up on after 2 s rather than the production 8 s.
  h = await startHarness({ LLM_BASE_URL: llm.url, LLM_API_KEY: LLM_KEY, LLM_MODEL: 'standin-model', LLM_RATE_BURST: '100' }, { bot: { upstreamTimeoutMs: 2_000 } });
});
afterAll(async () => {
  await h?.close();
  await llm?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  h.calendar.reset();
  llm.requests.length = 0;
  h.activate('U0LLM');
  h.activateCalendar('U0LLM');
  for (let i = 0; i < 6; i++) h.gmail.addMessage({ from: `S${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: 's' });
});

const TOOLS = ['show_unread_email', 'create_calendar_event', 'send_team_alert'];

/** The model was asked once, with the mention and the actions as tools: the answer that follows is the bot's use of its reply. */
function expectModelAsked(about: string) {
  expect(llm.requests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
  const sent = llm.requests[0]!;
  expect(sent.body.model).toBe('standin-model');
  expect(sent.body.tools?.map((t) => t.function.name)).toEqual(TOOLS);
  expect(JSON.stringify(sent.body.messages)).toContain(about);
}

const toolCall = (name: string, args: unknown) => ({
  id: 'chatcmpl-inline', object: 'chat.completion', created: 1774602000, model: 'standin-model',
  choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(args) } }] } }],
});

describe('mentions with a chat model', () => {
  it('does what the model chose, not what the parser would have read', async () => {
    // The parser reads "what's waiting for me" as the default count (5); the model says 1.
    llm.reply({ body: toolCall('show_unread_email', { count: 1 }) });
    await mention('<@U0BOT> what is waiting for me');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expectModelAsked('what is waiting for me');
    expect(JSON.stringify(answer.body)).toContain('Subject 0');
    expect(JSON.stringify(answer.body)).not.toContain('Subject 1');
  });

  it('falls back to the parser when the model never answers (its timeout)', async () => {
    llm.reply({ body: {}, hang: true });
    await mention('<@U0BOT> show me the last 2 unread emails');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'), 25_000);
    expectModelAsked('last 2 unread');
    expect(JSON.stringify(answer.body)).toContain('Subject 1');
    expect(JSON.stringify(answer.body)).not.toContain('Subject 2');
  }, 40_000);

  it('falls back to the parser when the model answers garbage', async () => {
    llm.reply({ body: '<html>502 Bad Gateway</html>{"choices":' });
    await mention('<@U0BOT> show me the last 2 unread emails');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expectModelAsked('last 2 unread');
    expect(JSON.stringify(answer.body)).toContain('Subject 1');
    expect(JSON.stringify(answer.body)).not.toMatch(/Subject 2|something went wrong on my side/i);
  });

  it('carries out a valid proposal, with tools made from the actions\' schemas', async () => {
    llm.replyWithFixture('event');
    await mention('<@U0BOT> could you pencil in the design review for tomorrow afternoon at 3');
    await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(h.calendar.events.map((e) => e.summary)).toEqual(['Design review']);
    expectModelAsked('design review');
    const sent = llm.requests[0];
    expect(sent?.authorization).toBe(`Bearer ${LLM_KEY}`);
    expect(sent?.body.tools?.map((t) => t.function.name)).toEqual(['show_unread_email', 'create_calendar_event', 'send_team_alert']);
    expect(JSON.stringify(sent?.body.messages)).toContain('design review');
  });

  it('falls back to the parser when the model\'s arguments are malformed', async () => {
    llm.replyWithFixture('malformed-arguments');
    await mention('<@U0BOT> show me the last 2 unread emails');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expectModelAsked('last 2 unread');
    expect(JSON.stringify(answer.body)).toContain('Subject 1');
    expect(JSON.stringify(answer.body)).not.toContain('Subject 2');
  });

  it('falls back to the parser when the model proposes invalid input', async () => {
    llm.replyWithFixture('invalid-input');
    await mention('<@U0BOT> last three unread');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expectModelAsked('last three unread');
    expect(JSON.stringify(answer.body)).toContain('Subject 2');
  });

  it('falls back to the parser when the model answers 500', async () => {
    llm.reply({ status: 500, body: { error: { message: 'boom', type: 'server_error' } } });
    await mention('<@U0BOT> any unread mail?');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expectModelAsked('any unread mail?');
    expect(JSON.stringify(answer.body)).toContain('Subject 0');
    expect(h.logs.leaks([LLM_KEY])).toEqual([]);
  });
});

describe('an alert the chat model proposes', () => {
  const isCard = (a: Arrival): a is RecordedCall => isCall('chat.postEphemeral')(a) && JSON.stringify(a.body).includes('alert_proposal:post');
  const postsToOps = () => h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0OPS');
  let presses = 0;

  async function proposal(): Promise<{ id: string; card: RecordedCall }> {
    llm.replyWithFixture('alert');
    await mention('<@U0BOT> the database is down, let ops know it is critical');
    const card = await h.slack.waitFor(isCard, 15_000);
    const buttons = ((card.body.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>).flatMap((b) => b.elements ?? []);
    const id = buttons.find((b) => b.action_id === 'alert_proposal:post')?.value;
    expect(id).toBeDefined();
    return { id: id!, card };
  }

  async function press(id: string, action: 'post' | 'cancel', user = 'U0LLM') {
    const responseUrl = h.slack.responseUrl(`proposal-${++presses}`);
    const sent = await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
      actionId: `alert_proposal:${action}`, value: id, userId: user, teamId: TEAM, channelId: 'C0GENERAL', responseUrl,
    });
    expect(sent.status).toBe(200);
    return responseUrl;
  }
  const answerOn = async (responseUrl: string, pattern: RegExp) =>
    h.slack.waitFor((a) => a.kind === 'response' && responseUrl.endsWith(a.path) && pattern.test(JSON.stringify(a.body)), 15_000);

  beforeEach(() => {
    h.slack.addChannel({ id: 'C0OPS', name: 'ops' });
  });

  it('is shown with what, where and how urgent, and posted only on Post, once however often it is pressed', async () => {
    const { id, card } = await proposal();
    const shown = JSON.stringify(card.body);
    expect(shown).toContain('db down');
    expect(shown).toContain('#ops');
    expect(shown).toContain('critical');
    expect(card.body).toMatchObject({ channel: 'C0GENERAL', user: 'U0LLM' });
    // Not posted while the card waits (a person's mention after it is answered first).
    await mention('<@U0BOT> help');
    await h.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postEphemeral' && a.at > card.at && !JSON.stringify(a.body).includes('alert_proposal:post'), 15_000);
    expect(postsToOps()).toEqual([]);

    await answerOn(await press(id, 'post'), /Sending your alert to <#C0OPS>/);
    await h.slack.waitFor((a) => isCall('chat.postMessage')(a) && a.body.channel === 'C0OPS', 15_000);
    await answerOn(await press(id, 'post'), /already posted or cancelled/);
    expect(postsToOps()).toHaveLength(1);
  });

  it('refuses a press by anyone else, and leaves the proposal to its sender', async () => {
    const { id } = await proposal();
    await answerOn(await press(id, 'post', 'U0MALLORY'), /Only the person who asked/);
    await answerOn(await press(id, 'cancel', 'U0MALLORY'), /Only the person who asked/);
    expect(postsToOps()).toEqual([]);
    await answerOn(await press(id, 'post'), /Sending your alert/);
    await h.slack.waitFor((a) => isCall('chat.postMessage')(a) && a.body.channel === 'C0OPS', 15_000);
    expect(postsToOps()).toHaveLength(1);
  });

  it('posts nothing when cancelled, and a later Post finds nothing to post', async () => {
    const { id } = await proposal();
    await answerOn(await press(id, 'cancel'), /Cancelled: nothing was posted/);
    await answerOn(await press(id, 'post'), /already posted or cancelled/);
    expect(postsToOps()).toEqual([]);
  });
});
