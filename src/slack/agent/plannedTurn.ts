/**
 * A request in an agent conversation planned by the chat model in several steps (actions/llm/
 * planner.ts), shown in the thread: each step a task, read steps at once, each writing step on its
 * approval card (the plan kept with the thread's state, so the Approve press continues it on any
 * instance), and the model's answer streamed at the end. Tool results go to the model and to this
 * DM thread only: never to a channel, into message metadata, or into the logs.
 */
import { isDeepStrictEqual } from 'node:util';
import type { WebClient } from '@slack/web-api';
import type { PendingApproval } from '../../actions/agent/approvals.ts';
import type { KeptRequest } from '../../actions/ports.ts';
import type { KeptOutcome } from '../../actions/resumeKeptRequests.ts';
import type { BackgroundTasks } from '../../infrastructure/backgroundTasks.ts';
import { RECENT_MAX, type ThreadKey, type ThreadState } from '../../actions/agent/threadState.ts';
import { decided, newPlan, runPlan, type PlanEnd, type Planner, type PlanState, type PlanSurface } from '../../actions/llm/planner.ts';
import { OverBudgetError } from '../../core/errors.ts';
import type { UnreadResult } from '../../connectors/gmail/types.ts';
import { buildFeedbackButtons } from '../blocks/agentFeedback.ts';
import { buildApprovalCard } from '../blocks/approvalCard.ts';
import { userMessageFor } from '../errorMessages.ts';
import { UNREAD_ACTION } from '../presenters.ts';
import type { Reply } from '../replies.ts';
import { escapeMrkdwn } from '../text/mrkdwn.ts';
import { TASK_TITLES, PLAIN_ANSWER, withFeedback, watchStop, type AgentConversationDeps } from './agentConversation.ts';
import { AgentStream, type AgentThread } from './agentStream.ts';
import { describeStep } from './stepDescriptions.ts';
import { ALERT_HAND_OFF, type AlertHandOff } from '../../actions/llm/planTools.ts';
import type { AlertIntent } from '../listeners/events/appMention.ts';
import { alertText, isChannelMention } from '../parsing/alertArgs.ts';
import { buildHelp } from '../blocks/help.ts';

export type PlannedTurnDeps = AgentConversationDeps & { planner: Planner };

/** Words for the user when the model did not behave; nothing was lost, and they may ask again. */
export const PLAN_FAILED = {
  no_answer: 'The chat model gave no answer, so I stopped here. Nothing more was done; ask me again.',
  unavailable: 'The chat model could not be reached (or did not answer in time), so I stopped here. Nothing more was done; ask me again in a moment.',
  invalid_calls: 'The chat model asked twice for steps I cannot take as asked, so I stopped here. Nothing more was done; try asking in other words.',
} as const;

/** A new request, planned by the model (AgentConversationDeps.planTurn). */
export async function planInThread(deps: PlannedTurnDeps, stream: AgentStream, thread: AgentThread, text: string, signal: AbortSignal): Promise<void> {
  const spent = await deps.budgets.spend(thread.user, 'chat_model');
  if (!spent.allowed) return stream.finish(withFeedback({ text: userMessageFor(new OverBudgetError('chat_model', spent.retryAfterMs)) }, PLAIN_ANSWER));
  const timeZone = await deps.timeZones.of(thread.user);
  const recent = (await deps.threads.get(thread, thread.user, deps.now()))?.recent ?? [];
  await runPlan(deps.planner, newPlan(text, { now: deps.now(), timeZone }, recent), surfaceFor(deps, stream, thread, signal), signal);
}

/**
 * Approve or Cancel pressed on a card the plan waits on: the plan goes on in the thread (the step
 * run first when approved). False when the approval is not a plan's (the caller handles it).
 */
export async function continuePlanAfter(deps: PlannedTurnDeps, client: WebClient, approval: PendingApproval, verb: 'approve' | 'cancel' | 'edit'): Promise<boolean> {
  const key = approval.step.thread;
  const state = await deps.threads.get(key, approval.proposedTo, deps.now());
  const plan = state?.plan;
  const pending = plan?.pending;
  if (!plan || !pending || pending.approvalId !== approval.id) return false;
  // Taken off the thread first: a second instance finds nothing to continue.
  await keepPlan(deps, key, approval.proposedTo, state, undefined);
  const thread = { channel: key.channel, threadTs: key.threadTs, user: approval.proposedTo };
  const approved = verb === 'approve';
  const working = approved ? { status: 'is doing what you approved…', line: 'Doing what you approved…' } : { status: 'is finishing up…', line: 'Finishing up…' };
  await goOnInThread(deps, client, thread, working, async (stream, signal) => {
    let next: PlanState;
    if (approved) {
      const ran = await runStep(deps, stream, thread, plan.steps, pending.action, approval.step.input, signal, plan, plan);
      if (!ran) return;
      // Saved from the Edit modal: the model hears what was done, not only what it had asked for.
      const changed = !isDeepStrictEqual(approval.step.input, pending.input);
      next = decided(plan, changed ? { ...ran, changedTo: approval.step.input } : ran);
    } else {
      // Edit on a step without a form drops it: the model asks what to change instead of leaving the plan hanging.
      next = decided(plan, verb === 'edit' ? { toChange: true } : { declined: true });
    }
    await runPlan(deps.planner, next, surfaceFor(deps, stream, thread, signal), signal);
  });
  return true;
}

/**
 * A request kept while a plan's step waited for its user to connect an account has run (they
 * connected): the plan goes on in its thread from that step, its result told to the model, and the
 * model's answer streamed there. False when no plan waits on this request (the caller answers it).
 */
export async function continuePlanAfterConnected(
  deps: PlannedTurnDeps & { tasks: BackgroundTasks },
  client: WebClient,
  request: KeptRequest,
  outcome: KeptOutcome,
): Promise<boolean> {
  const key = request.replyIn;
  if (!key) return false;
  const state = await deps.threads.get(key, request.requester, deps.now());
  const plan = state?.plan;
  if (!plan?.pending?.keptRequestId || plan.pending.keptRequestId !== request.id) return false;
  // Taken off the thread first: a second delivery finds nothing to continue.
  await keepPlan(deps, key, request.requester, state, undefined);
  // The rest may take the plan's whole time budget: the kept request is marked done meanwhile, its
  // lease (two minutes) not outlived, so no other instance runs the step again.
  deps.tasks.run('agent plan after connecting', () => goOnAfterConnected(deps, client, request, outcome, { ...plan, pending: plan.pending! }));
  return true;
}

async function goOnAfterConnected(
  deps: PlannedTurnDeps,
  client: WebClient,
  request: KeptRequest,
  outcome: KeptOutcome,
  plan: PlanState & { pending: NonNullable<PlanState['pending']> },
): Promise<void> {
  const key = request.replyIn!;
  const thread = { channel: key.channel, threadTs: key.threadTs, user: request.requester };
  await goOnInThread(deps, client, thread, { status: 'is carrying on…', line: 'Carrying on where I stopped…' }, async (stream, signal) => {
    const { action } = plan.pending;
    const id = taskId(plan.steps, action);
    if (!outcome.ok) {
      await stream.task(id, titleOf(action), 'error');
      const done = plan.done.length > 0 ? `\n\n${doneSoFar(plan.done)}` : '';
      await stream.finish(withFeedback({ text: userMessageFor(outcome.error) + done }, action));
      return;
    }
    await stream.task(id, titleOf(action), 'complete');
    if (action === UNREAD_ACTION) await rememberShown(deps, thread, outcome.result as UnreadResult, request.input as { count: number; search?: string });
    await runPlan(deps.planner, decided(plan, { result: outcome.result }), surfaceFor(deps, stream, thread, signal), signal);
  });
}

/**
 * A plan going on in its thread after the user acted elsewhere (a card's button, a connection): one
 * turn with its own stream and status line, Stop heeded from any instance, and a failure told in the
 * thread rather than left spinning.
 */
async function goOnInThread(
  deps: PlannedTurnDeps,
  client: WebClient,
  thread: AgentThread,
  working: { status: string; line: string },
  body: (stream: AgentStream, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const stream = new AgentStream(client, thread, deps.logger);
  const turn = deps.turns.start(thread, stream);
  const unwatch = watchStop(deps, thread, stream, turn);
  try {
    await stream.working(working.status, [working.line]);
    await body(stream, turn.signal);
  } catch (thrown) {
    if (!turn.signal.aborted && !stream.isFinished) await stream.finish(withFeedback({ text: PLAN_FAILED.unavailable }, PLAIN_ANSWER)).catch(() => {});
    throw thrown;
  } finally {
    unwatch();
    turn.end();
  }
}

function surfaceFor(deps: PlannedTurnDeps, stream: AgentStream, thread: AgentThread, signal: AbortSignal): PlanSurface {
  const key = { channel: thread.channel, threadTs: thread.threadTs };
  return {
    read: (step, action, input, waiting) => runStep(deps, stream, thread, step, action, input, signal, undefined, waiting),
    async propose(step, action, input, plan) {
      const approval = await deps.approvals.keep(thread.user, { action, input, thread: key }, deps.now());
      const state = await deps.threads.get(key, thread.user, deps.now());
      await keepPlan(deps, key, thread.user, state, { ...plan, pending: { ...plan.pending!, approvalId: approval.id } });
      await stream.task(taskId(step, action), titleOf(action), 'pending');
      // Waiting on a person: the session is suspended until they decide.
      await stream.finish(buildApprovalCard({ approvalId: approval.id, ...describeStep(action, input) }), { sessionStatus: 'suspended' });
    },
    async handOff(action, input, plan) {
      const alert = action === ALERT_HAND_OFF ? alertIntentFrom(input as AlertHandOff, plan) : undefined;
      deps.logger.info({ user: thread.user.userId, steps: plan.steps, end: 'hand_off' }, 'agent plan ended');
      const reply: Reply = { send: (message) => stream.finish(withFeedback(message, PLAIN_ANSWER)) };
      // Never raised on the model's reading alone: its sender confirms the card first.
      if (alert && deps.proposeAlert) return deps.proposeAlert(thread.user, alert, reply);
      return reply.send(buildHelp());
    },
    async end(outcome, plan) {
      if (signal.aborted) return;
      deps.logger.info({ user: thread.user.userId, steps: plan.steps, end: outcome.kind === 'model_failed' ? outcome.problem : outcome.kind }, 'agent plan ended');
      if (outcome.kind === 'answer') {
        await remember(deps, thread, plan, outcome.text);
        // The model's words, streamed as Markdown; escaped so they cannot mention or link anyone.
        const text = escapeMrkdwn(outcome.text).slice(0, 11_000);
        await stream.write(text);
        return stream.finish({ text: text.slice(0, 3000), blocks: [buildFeedbackButtons(PLAIN_ANSWER)] });
      }
      const words = ended(outcome, deps.planner, plan);
      await stream.write(words);
      return stream.finish({ text: words, blocks: [buildFeedbackButtons(PLAIN_ANSWER)] });
    },
  };
}

/** One step, through the runner (budgets, permissions, audit, the connect button): its result, or undefined once the user was told why not. */
async function runStep(
  deps: PlannedTurnDeps,
  stream: AgentStream,
  thread: AgentThread,
  step: number,
  action: string,
  input: unknown,
  signal: AbortSignal,
  plan?: PlanState,
  waiting?: PlanState,
): Promise<{ result: unknown } | undefined> {
  const id = taskId(step, action);
  const title = titleOf(action);
  await stream.task(id, title, 'in_progress');
  let outcome: { result: unknown } | undefined;
  const reply: Reply = {
    // The runner replies only with what stopped the step: an error, or the wait for a connection.
    async send(message) {
      await stream.task(id, title, 'error');
      const done = plan && plan.done.length > 0 ? `\n\n${doneSoFar(plan.done)}` : '';
      await stream.finish(withFeedback({ ...message, text: message.text + done }, action));
    },
  };
  await deps.runner.run(thread.user, { action, input }, reply, async (result) => {
    if (signal.aborted) return;
    await stream.task(id, title, 'complete');
    if (action === UNREAD_ACTION) await rememberShown(deps, thread, result as UnreadResult, input as { count: number; search?: string });
    outcome = { result };
  }, {
    signal,
    promptInReply: true,
    replyIn: { channel: thread.channel, threadTs: thread.threadTs },
    // Kept for after the user connects: so is the plan, before they see the button, to go on from this step then.
    ...(waiting?.pending ? { onKept: (keptRequestId: string) => keepPlanFor(deps, thread, { ...waiting, pending: { ...waiting.pending!, keptRequestId } }) } : {}),
  });
  return signal.aborted ? undefined : outcome;
}

/** An unread list the model read is what the thread showed last: "mark the second one as read" acts on it. */
async function rememberShown(deps: PlannedTurnDeps, thread: AgentThread, result: UnreadResult, input: { count: number; search?: string }): Promise<void> {
  const key = { channel: thread.channel, threadTs: thread.threadTs };
  const emails = result.emails.map((email) => ({ id: email.id, threadId: email.threadId, from: email.from.slice(0, 500) }));
  const state = await deps.threads.get(key, thread.user, deps.now());
  const page = { count: input.count, ...(input.search ? { search: input.search } : {}), ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : {}) };
  await deps.threads.put(key, thread.user, { ...state, shown: { emails, ...(result.mailbox ? { mailbox: result.mailbox } : {}), page } }, deps.now());
}

/** The request and its answer, for the model to read the thread's next message in context. */
async function remember(deps: PlannedTurnDeps, thread: AgentThread, plan: PlanState, answer: string): Promise<void> {
  const key = { channel: thread.channel, threadTs: thread.threadTs };
  const asked = plan.messages.findLast((message) => message.role === 'user')?.content ?? '';
  const state = await deps.threads.get(key, thread.user, deps.now());
  const exchange = [{ role: 'user' as const, content: asked.slice(0, 4000) }, { role: 'assistant' as const, content: answer.slice(0, 4000) }];
  await deps.threads.put(key, thread.user, { ...state, recent: [...(state?.recent ?? []), ...exchange].slice(-RECENT_MAX) }, deps.now());
}

async function keepPlanFor(deps: PlannedTurnDeps, thread: AgentThread, plan: PlanState): Promise<void> {
  const key = { channel: thread.channel, threadTs: thread.threadTs };
  await keepPlan(deps, key, thread.user, await deps.threads.get(key, thread.user, deps.now()), plan);
}

async function keepPlan(deps: PlannedTurnDeps, key: ThreadKey, owner: AgentThread['user'], state: ThreadState | undefined, plan: PlanState | undefined): Promise<void> {
  const { plan: _old, ...rest } = state ?? {};
  await deps.threads.put(key, owner, plan ? { ...rest, plan } : rest, deps.now());
}

/** The alert as the parser would read it: @channel only when the sender typed it, whatever the model says. */
function alertIntentFrom(input: AlertHandOff, plan: PlanState): AlertIntent | undefined {
  const text = alertText(input.text);
  if (!text) return undefined;
  const words = plan.messages.findLast((message) => message.role === 'user')?.content ?? '';
  const typed = words.split(/\s+/).some((word) => isChannelMention(word));
  const where = input.channel ? { channel: input.channel } : input.thisChannel === true ? { thisChannel: true as const } : {};
  return { kind: 'alert', text, severity: input.severity, ...where, mentionChannel: typed && input.mentionChannel === true };
}

function ended(outcome: Exclude<PlanEnd, { kind: 'answer' }>, planner: Planner, plan: PlanState): string {
  const head = outcome.kind === 'budget'
    ? outcome.limit === 'steps'
      ? `_I stopped here: this request reached its limit of ${planner.limits.maxSteps} steps._`
      : `_I stopped here: this request reached its time limit of ${Math.round(planner.limits.maxMs / 1000)} seconds._`
    : PLAN_FAILED[outcome.problem];
  return `${head}\n\n${doneSoFar(plan.done)}`;
}

function doneSoFar(done: string[]): string {
  if (done.length === 0) return 'Nothing was done so far.';
  return `Done so far:\n${done.map((action) => `• ${titleOf(action)}`).join('\n')}`;
}

function taskId(step: number, action: string): string {
  return `step-${step}-${action}`;
}

function titleOf(action: string): string {
  return TASK_TITLES[action] ?? 'Working on it';
}
