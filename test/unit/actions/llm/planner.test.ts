/**
 * The plan loop against the chat-completions stand-in (real sockets, the real client), with a
 * surface that records what it is asked to do: tools from the catalogue's schemas, results sent
 * back by call id, a writing step handed over with the calls after it, the time budget (a fake
 * clock, and a model call cut off when the budget runs out), words for an event read by the when
 * parser.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionCatalog } from '../../../../src/actions/catalog.ts';
import { CREATE_EVENT_ACTION, createEventInputSchema } from '../../../../src/actions/createCalendarEvent.ts';
import { decided, newPlan, runPlan, type PlanEnd, type Planner, type PlanState, type PlanSurface } from '../../../../src/actions/llm/planner.ts';
import { planTools } from '../../../../src/actions/llm/planTools.ts';
import { MARK_READ_ACTION, markReadInputSchema } from '../../../../src/actions/markEmailRead.ts';
import { READ_EMAIL_ACTION, readEmailInputSchema, SEARCH_EMAIL_ACTION, searchEmailInputSchema } from '../../../../src/actions/readEmail.ts';
import { unreadInputSchema } from '../../../../src/actions/showUnreadEmail.ts';
import { ChatCompletionsClient } from '../../../../src/connectors/llm/chatCompletions.ts';
import { startLlmStandin, type LlmStandin } from '../../../standins/llmStandin.ts';

const NOW = new Date('2026-12-01T09:00:00Z');
const CONTEXT = { now: NOW, timeZone: 'Europe/Berlin' };
let llm: LlmStandin;

function catalog(): ActionCatalog {
  const action = (name: string, input: never, effect: 'read' | 'write') => ({ name, connection: 'c', budget: 'read_mail' as const, effect, input, run: async () => ({}) });
  return new ActionCatalog()
    .register(action(SEARCH_EMAIL_ACTION, searchEmailInputSchema as never, 'read'))
    .register(action(READ_EMAIL_ACTION, readEmailInputSchema as never, 'read'))
    .register(action('unread.list', unreadInputSchema as never, 'read'))
    .register(action(MARK_READ_ACTION, markReadInputSchema as never, 'write'))
    .register(action(CREATE_EVENT_ACTION, createEventInputSchema as never, 'write'));
}

function planner(limits = { maxSteps: 6, maxMs: 60_000 }): Planner {
  return { model: new ChatCompletionsClient({ baseUrl: llm.url, apiKey: 'sk-test', model: 'standin-model', timeoutMs: 10_000 }), tools: planTools(catalog(), 'unread.list'), limits };
}

interface Recorded {
  reads: Array<[number, string, unknown]>;
  proposed?: { step: number; action: string; input: unknown; plan: PlanState };
  ended?: { outcome: PlanEnd; plan: PlanState };
  handedOff?: { action: string; input: unknown };
}

function surface(results: Record<string, unknown>, onRead?: () => void): { surface: PlanSurface; seen: Recorded } {
  const seen: Recorded = { reads: [] };
  return {
    seen,
    surface: {
      async read(step, action, input) {
        seen.reads.push([step, action, input]);
        onRead?.();
        return { result: results[action] };
      },
      async propose(step, action, input, plan) {
        seen.proposed = { step, action, input, plan };
      },
      async handOff(action, input) {
        seen.handedOff = { action, input };
      },
      async end(outcome, plan) {
        seen.ended = { outcome, plan };
      },
    },
  };
}

const completion = (message: object) => ({ body: { id: 'c', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: 'stop' }] } });
const calls = (...list: Array<[id: string, name: string, args: object]>) =>
  completion({ tool_calls: list.map(([id, name, args]) => ({ id, type: 'function', function: { name, arguments: JSON.stringify(args) } })) });

beforeAll(async () => {
  llm = await startLlmStandin();
});
afterAll(async () => {
  await llm.close();
});
beforeEach(() => llm.reset());

describe('runPlan', () => {
  it("declares the catalogue's actions as tools with JSON schemas from their zod schemas", async () => {
    llm.reply(completion({ content: 'Nothing to do.' }));
    const { surface: s, seen } = surface({});
    await runPlan(planner(), newPlan('hello', CONTEXT), s, new AbortController().signal);
    const tools = llm.requests[0]!.body.tools!;
    expect(tools.map((t) => t.function.name)).toEqual(['search_email', 'read_email', 'show_unread_email', 'mark_email_read', 'create_calendar_event', 'send_team_alert']);
    expect(tools.find((t) => t.function.name === 'read_email')!.function.parameters).toEqual({
      type: 'object',
      properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,256}$', description: expect.any(String) } },
      required: ['id'],
    });
    expect(JSON.stringify(tools)).not.toContain('$schema');
    expect(llm.requests[0]!.body.messages![0]!.content).toContain('Europe/Berlin');
    expect(seen.ended?.outcome).toEqual({ kind: 'answer', text: 'Nothing to do.' });
  });

  it('sends each read result back with its call id, and hands over a writing step with the calls after it', async () => {
    llm.reply(calls(['call_a', 'search_email', { query: 'from:alice' }], ['call_b', 'read_email', { id: 'abc' }]));
    llm.reply(calls(['call_c', 'create_calendar_event', { title: 'Offsite', when: 'dec 10' }], ['call_d', 'search_email', { query: 'x' }]));
    const { surface: s, seen } = surface({ [SEARCH_EMAIL_ACTION]: { emails: ['found'] }, [READ_EMAIL_ACTION]: { text: 'the text' } });
    await runPlan(planner(), newPlan('put it in my calendar', CONTEXT), s, new AbortController().signal);
    expect(seen.reads).toEqual([[1, SEARCH_EMAIL_ACTION, { query: 'from:alice', count: 5 }], [2, READ_EMAIL_ACTION, { id: 'abc' }]]);
    expect(llm.problems).toEqual([]);
    expect(llm.requests[1]!.body.messages!.slice(-2)).toEqual([
      { role: 'tool', tool_call_id: 'call_a', content: '{"emails":["found"]}' },
      { role: 'tool', tool_call_id: 'call_b', content: '{"text":"the text"}' },
    ]);
    // The event's words were read in the user's zone: the action's own input, all day on Dec 10.
    expect(seen.proposed).toMatchObject({ step: 3, action: CREATE_EVENT_ACTION, input: { title: 'Offsite', when: { kind: 'allDay', date: '2026-12-10' }, timeZone: 'Europe/Berlin' } });
    expect(seen.proposed!.plan.pending).toMatchObject({ toolCallId: 'call_c', later: ['call_d'] });
    expect(seen.ended).toBeUndefined();

    // Approved elsewhere: the result answers call_c, call_d is told it did not run, and the plan goes on.
    llm.reply(completion({ content: 'Done.' }));
    const next = decided({ ...seen.proposed!.plan, pending: { ...seen.proposed!.plan.pending!, approvalId: 'a1' } }, { result: { id: 'ev1' } });
    const after = surface({});
    await runPlan(planner(), next, after.surface, new AbortController().signal);
    expect(llm.problems).toEqual([]);
    expect(llm.requests[2]!.body.messages!.slice(-2)).toEqual([
      { role: 'tool', tool_call_id: 'call_c', content: '{"id":"ev1"}' },
      { role: 'tool', tool_call_id: 'call_d', content: expect.stringContaining('Not run') },
    ]);
    expect(after.seen.ended?.outcome).toEqual({ kind: 'answer', text: 'Done.' });
    expect(after.seen.ended?.plan.done).toEqual([SEARCH_EMAIL_ACTION, READ_EMAIL_ACTION, CREATE_EVENT_ACTION]);
  });

  it('a team alert is handed to its own card, and the plan ends there', async () => {
    llm.reply(calls(['call_alert', 'send_team_alert', { text: 'db down', severity: 'critical' }]));
    const { surface: s, seen } = surface({});
    await runPlan(planner(), newPlan('alert my team: db down', CONTEXT), s, new AbortController().signal);
    expect(seen.handedOff).toEqual({ action: 'alert', input: { text: 'db down', severity: 'critical' } });
    expect(seen.ended).toBeUndefined();
    expect(llm.requests).toHaveLength(1);
  });

  it('words for an event the when parser cannot read go back to the model as a tool error', async () => {
    llm.reply(calls(['call_e', 'create_calendar_event', { title: 'Offsite', when: 'whenever suits' }]));
    llm.reply(completion({ content: 'When should it be?' }));
    const { surface: s, seen } = surface({});
    await runPlan(planner(), newPlan('add the offsite', CONTEXT), s, new AbortController().signal);
    expect(seen.proposed).toBeUndefined();
    const result = llm.requests[1]!.body.messages!.at(-1)!;
    expect(result).toMatchObject({ role: 'tool', tool_call_id: 'call_e' });
    expect(result.content).toContain('Error: the arguments for create_calendar_event could not be read');
    expect(seen.ended?.outcome).toEqual({ kind: 'answer', text: 'When should it be?' });
  });

  it('stops at the time budget, counting the work done before an approval', async () => {
    let now = 0;
    llm.reply(calls(['call_1', 'search_email', { query: 'a' }]));
    llm.reply(calls(['call_2', 'search_email', { query: 'b' }]));
    const { surface: s, seen } = surface({}, () => void (now += 25_000));
    const start = { ...newPlan('keep looking', CONTEXT), elapsedMs: 20_000 };
    await runPlan(planner(), start, s, new AbortController().signal, () => now);
    expect(seen.reads).toHaveLength(2);
    expect(seen.ended?.outcome).toEqual({ kind: 'budget', limit: 'time' });
    expect(seen.ended?.plan.elapsedMs).toBe(70_000);
    expect(llm.requests).toHaveLength(2);
  });

  it('a model call still running when the time budget runs out is given up', async () => {
    llm.reply({ body: {}, hang: true });
    const { surface: s, seen } = surface({});
    await runPlan(planner({ maxSteps: 6, maxMs: 200 }), newPlan('hello', CONTEXT), s, new AbortController().signal);
    expect(seen.ended?.outcome).toEqual({ kind: 'budget', limit: 'time' });
    await until(() => llm.abandoned > 0);
  });

  it('a model answering neither words nor tools is reported, and so is one that cannot be reached', async () => {
    llm.reply(completion({ content: '  ' }));
    const first = surface({});
    await runPlan(planner(), newPlan('hello', CONTEXT), first.surface, new AbortController().signal);
    expect(first.seen.ended?.outcome).toEqual({ kind: 'model_failed', problem: 'no_answer' });
    llm.reply({ status: 500, body: { error: { message: 'boom' } } });
    const second = surface({});
    await runPlan(planner(), newPlan('hello', CONTEXT), second.surface, new AbortController().signal);
    expect(second.seen.ended?.outcome).toEqual({ kind: 'model_failed', problem: 'unavailable' });
  });
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('decided', () => {
  const waiting = (): PlanState => ({
    ...newPlan('put it in my calendar', CONTEXT),
    pending: { approvalId: 'a1', toolCallId: 'call_c', action: CREATE_EVENT_ACTION, input: { title: 'Offsite' }, later: [] },
  });

  it('tells the model a step ran as the user changed it, with what it was changed to and its result', () => {
    const next = decided(waiting(), { result: { id: 'ev1' }, changedTo: { title: 'Offsite, moved' } });
    const told = next.messages.at(-1)!;
    expect(told).toMatchObject({ role: 'tool', tool_call_id: 'call_c' });
    expect(told.content).toContain('changed this step');
    expect(told.content).toContain('"title":"Offsite, moved"');
    expect(told.content).toContain('"id":"ev1"');
    expect(next.done).toEqual([CREATE_EVENT_ACTION]);
    expect(next.pending).toBeUndefined();
  });

  it('tells the model a step the user pressed Edit on was not done, to ask what to change', () => {
    const next = decided(waiting(), { toChange: true });
    expect(next.messages.at(-1)!.content).toContain('pressed Edit');
    expect(next.done).toEqual([]);
    expect(next.pending).toBeUndefined();
  });
});
