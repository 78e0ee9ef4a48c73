/**
 * The plan's time budget (AGENT_MAX_SECONDS, at its minimum) through the real bot: a model that
 * does not answer in time after a first step is given up, and the user is told the plan stopped at
 * its time limit and what it had done. Nothing here measures time: it asserts on what the user sees.
 */
import type { AnyChunk } from '@slack/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendEvent } from '../helpers/slackRequests.ts';
import { startLlmStandin, type LlmStandin } from '../standins/llmStandin.ts';
import type { RecordedCall } from '../standins/slackApi.ts';

const USER = 'U0BUDGET';
const DM = `D${USER}`;
let h: Harness;
let llm: LlmStandin;

beforeAll(async () => {
  llm = await startLlmStandin();
  h = await startHarness({
    LLM_BASE_URL: llm.url, LLM_API_KEY: 'sk-budget-test-key-0123456789', LLM_MODEL: 'standin-model', LLM_RATE_BURST: '100', AGENT_MAX_SECONDS: '5',
  });
  h.activate(USER);
  h.gmail.addMessage({ id: 'offsite0000000001', from: 'Alice <alice@example.com>', subject: 'Team offsite', date: new Date(), snippet: 'How about Friday?' });
});
afterAll(async () => {
  await h?.close();
  await llm?.close();
});

describe('the time budget of a planned request', () => {
  it('gives up a model call that outlasts AGENT_MAX_SECONDS, and says it stopped at the limit and what it had done', async () => {
    const search = { id: 'call_search_1', type: 'function', function: { name: 'search_email', arguments: JSON.stringify({ query: 'offsite' }) } };
    llm.reply({ body: { id: 'c1', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [search] }, finish_reason: 'tool_calls' }] } });
    llm.reply({ body: {}, hang: true }); // the second turn never comes
    const ts = `${Math.floor(Date.now() / 1000)}.000001`;
    await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'message', channel: DM, channel_type: 'im', user: USER, text: 'find the offsite email', ts, team: TEAM }, { eventId: 'EvBudget1', teamId: TEAM });
    const stop = await h.slack.waitFor((a): a is RecordedCall => a.kind === 'call' && a.method === 'chat.stopStream', 30_000);
    const chunks: AnyChunk[] = h.slack.agent.streams.get(String(stop.body.ts))?.chunks ?? [];
    const text = chunks.flatMap((c) => (c.type === 'markdown_text' ? [c.text] : [])).join('');
    expect(text).toContain('I stopped here: this request reached its time limit of 5 seconds');
    expect(text).toContain('Done so far:\n• Searching your mail');
    expect(chunks.some((c) => c.type === 'task_update' && c.title === 'Searching your mail' && c.status === 'complete')).toBe(true);
    expect(stop.body.channel).toBe(DM);
    expect(JSON.stringify(stop.body.blocks)).toContain('context_actions');
    // The call in flight was abandoned, and nothing more was asked of the model.
    const deadline = Date.now() + 10_000;
    while (llm.abandoned < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(llm.abandoned).toBe(1);
    expect(llm.requests).toHaveLength(2);
    expect(llm.problems).toEqual([]);
  });
});
