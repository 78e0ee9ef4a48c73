/**
 * The optional model path, against a local chat-completions stand-in replaying answers in the
 * OpenAI format: each proposal is checked with the action's own schema, and every failure
 * (malformed or invalid arguments, unknown tools, no tool, HTTP 500, a hang) gives undefined, so
 * the caller falls back to the deterministic parser.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmActionChooser } from '../../../../src/actions/llm/chooseAction.ts';
import { toolDefinitions } from '../../../../src/actions/llm/tools.ts';
import { ChatCompletionsClient } from '../../../../src/connectors/llm/chatCompletions.ts';
import { startLlmStandin, type LlmStandin } from '../../../standins/llmStandin.ts';

const CONTEXT = { now: new Date('2026-03-27T09:00:00Z'), timeZone: 'Europe/Berlin' };

let llm: LlmStandin;
let errors: unknown[];
let chooser: LlmActionChooser;

beforeAll(async () => {
  llm = await startLlmStandin();
});

afterAll(async () => {
  await llm.close();
});

beforeEach(() => {
  llm.requests.length = 0;
  errors = [];
  const model = new ChatCompletionsClient({ baseUrl: `${llm.url}/`, apiKey: 'sk-test', model: 'standin-model', timeoutMs: 500 });
  chooser = new LlmActionChooser({ model, onError: (error) => errors.push(error) });
});

describe('LlmActionChooser with recorded answers', () => {
  it('sends the model the tools built from the action schemas, today\'s date in the user\'s zone, and the text', async () => {
    llm.replyWithFixture('unread');
    await chooser.propose('any mail from alice? just the last three', CONTEXT);
    const [sent] = llm.requests;
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.authorization).toBe('Bearer sk-test');
    expect(sent?.body).toMatchObject({ model: 'standin-model', tool_choice: 'auto', temperature: 0 });
    expect(sent?.body.tools).toEqual(toolDefinitions());
    expect(sent?.body.messages?.[0]?.content).toContain('Today is Friday 2026-03-27 in the user\'s time zone Europe/Berlin.');
    expect(sent?.body.messages?.[1]).toEqual({ role: 'user', content: 'any mail from alice? just the last three' });
  });

  it.each([
    ['unread', { action: 'unread', input: { count: 3, search: 'from:alice' } }],
    ['event', { action: 'event', input: { title: 'Design review', when: 'tomorrow at 3pm' } }],
    ['alert', { action: 'alert', input: { severity: 'critical', text: 'db down', channel: 'ops' } }],
  ])('turns the %s tool call into a checked proposal', async (name, proposal) => {
    llm.replyWithFixture(name);
    expect(await chooser.propose('…', CONTEXT)).toEqual(proposal);
    expect(errors).toEqual([]);
  });

  it.each(['malformed-arguments', 'invalid-input', 'unknown-tool', 'unreadable-when', 'no-tool'])('gives undefined for %s', async (name) => {
    llm.replyWithFixture(name);
    expect(await chooser.propose('…', CONTEXT)).toBeUndefined();
  });

  it('gives undefined, and reports why, on a 500, a body that is not JSON, and a model that does not answer', async () => {
    llm.reply({ status: 500, body: { error: { message: 'The server had an error', type: 'server_error' } } });
    llm.reply({ body: '<html>502 Bad Gateway</html>' });
    llm.reply({ body: {}, hang: true });
    for (let i = 0; i < 3; i++) expect(await chooser.propose('…', CONTEXT)).toBeUndefined();
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'the language model: the request failed with HTTP 500',
      'the language model: the answer was unreadable',
      'the language model: the request got no answer',
    ]);
  });
});
