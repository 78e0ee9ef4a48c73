/**
 * One turn of an agent conversation: the user's words in their Messages tab thread, read by the
 * chat model when one is configured (else the built-in parser), carried out through the same
 * actions, budgets, audit log and authorization as the commands, and answered in the thread as a
 * stream (see agentStream.ts): one task per step, the result, the feedback buttons.
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { ThreadStates } from '../../actions/agent/threadState.ts';
import type { UserBudgets } from '../../actions/budgets.ts';
import type { UnreadResult } from '../../connectors/gmail/types.ts';
import { eventInputFrom } from '../../actions/createCalendarEvent.ts';
import { asAppError, OverBudgetError } from '../../core/errors.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { buildFeedbackButtons } from '../blocks/agentFeedback.ts';
import { buildEventUsage, buildHelp } from '../blocks/help.ts';
import { userMessageFor } from '../errorMessages.ts';
import type { AlertIntent } from '../listeners/events/appMention.ts';
import { parseFollowUp } from '../parsing/followUpIntent.ts';
import { parseIntent, type Intent } from '../parsing/intent.ts';
import { CREATE_EVENT_ACTION, MARK_READ_ACTION, presenterFor, UNREAD_ACTION } from '../presenters.ts';
import type { Reply, SlackMessage } from '../replies.ts';
import type { RequestRunner } from '../requestRunner.ts';
import { escapeMrkdwn } from '../text/mrkdwn.ts';
import type { UserTimeZones } from '../userTimeZones.ts';
import { AgentStream, type AgentThread } from './agentStream.ts';
import { followUp, type FollowUpSteps } from './followUps.ts';
import type { StepApprovals } from '../../actions/agent/approvals.ts';
import { DISCARD_DRAFT_ACTION, DRAFT_REPLY_ACTION, SEND_DRAFT_ACTION } from '../../actions/replyToEmail.ts';
import { buildApprovalCard } from '../blocks/approvalCard.ts';
import { describeStep, type StepContext } from './stepDescriptions.ts';
import { watchForStop, type RunningTurns } from './runningTurns.ts';
import { READ_EMAIL_ACTION, SEARCH_EMAIL_ACTION } from '../../actions/readEmail.ts';

/** The line a stopped answer ends with. */
export const STOPPED_LINE = '_Stopped, as you asked: nothing more was done._';

/** What an answer without an action of its own (help, a question back) is rated as. */
export const PLAIN_ANSWER = 'agent.answer';

/** The step each action shows while it runs. */
export const TASK_TITLES: Record<string, string> = {
  [UNREAD_ACTION]: 'Reading your inbox',
  [CREATE_EVENT_ACTION]: 'Creating the event',
  [MARK_READ_ACTION]: 'Marking as read',
  [DRAFT_REPLY_ACTION]: 'Drafting your reply',
  [SEND_DRAFT_ACTION]: 'Sending your reply',
  [DISCARD_DRAFT_ACTION]: 'Discarding the draft',
  [SEARCH_EMAIL_ACTION]: 'Searching your mail',
  [READ_EMAIL_ACTION]: 'Reading the email',
};

export interface AgentConversationDeps {
  runner: RequestRunner;
  /** Writing steps waiting for their user's Approve. */
  approvals: StepApprovals;
  /** The turns running here, for Slack's Stop to abort. */
  turns: RunningTurns;
  /** What each conversation last showed, for its follow-ups. */
  threads: ThreadStates;
  timeZones: UserTimeZones;
  budgets: UserBudgets;
  /** Chooses the intent some other way first (the chat model); undefined → the parser. */
  chooseIntent?: ((text: string, context: { now: Date; timeZone: string }) => Promise<Intent | undefined>) | undefined;
  /** With a chat model: it plans each request in several steps with the catalogue's actions (plannedTurn.ts). */
  planTurn?: ((stream: AgentStream, thread: AgentThread, text: string, signal: AbortSignal) => Promise<void>) | undefined;
  /** An alert (the chat model's reading or the parser's) is shown as a card to confirm first. */
  proposeAlert?: (user: SlackUser, intent: AlertIntent, reply: Reply) => Promise<void>;
  logger: Logger;
  now: () => Date;
}

export async function answerInThread(deps: AgentConversationDeps, client: WebClient, thread: AgentThread, text: string): Promise<void> {
  const stream = new AgentStream(client, thread, deps.logger);
  const turn = deps.turns.start(thread, stream);
  const unwatch = watchStop(deps, thread, stream, turn);
  try {
    await stream.working('is working on it…', ['Reading your message…', 'Choosing what to do…']);
    await answer(deps, stream, thread, text, turn.signal);
  } catch (thrown) {
    if (turn.signal.aborted) return; // stopped: the Stop listener has closed the answer
    // Whatever failed, the thread hears it: a stream left open would spin until Slack expires it.
    if (!stream.isFinished) await stream.finish(withFeedback({ text: userMessageFor(asAppError(thrown)) }, PLAIN_ANSWER)).catch(() => {});
    throw thrown;
  } finally {
    unwatch();
    turn.end();
  }
}

/** A Stop pressed on another instance reaches this turn through the database. */
export function watchStop(
  deps: Pick<AgentConversationDeps, 'threads' | 'logger' | 'now'>,
  thread: AgentThread,
  stream: AgentStream,
  turn: { abort: () => void },
): () => void {
  return watchForStop(deps.threads, thread, deps.now(), async () => {
    deps.logger.info({ channel: thread.channel }, 'agent turn stopped from another instance');
    turn.abort();
    await stream.stop(STOPPED_LINE);
  }, deps.logger);
}

async function answer(deps: AgentConversationDeps, stream: AgentStream, thread: AgentThread, text: string, signal: AbortSignal): Promise<void> {
  const { user } = thread;
  const key = { channel: thread.channel, threadTs: thread.threadTs };
  const remember = async (result: UnreadResult, page: { count: number; search?: string | undefined }) => {
    const emails = result.emails.map((email) => ({ id: email.id, threadId: email.threadId, from: email.from.slice(0, 500) }));
    const nextPageToken = result.nextPageToken;
    await deps.threads.put(key, user, {
      shown: { emails, ...(result.mailbox ? { mailbox: result.mailbox } : {}), page: { ...page, ...(nextPageToken ? { nextPageToken } : {}) } },
    }, deps.now());
  };
  // A follow-up is read against what this thread showed last, before anything else reads the words.
  const shown = (await deps.threads.get(key, user, deps.now()))?.shown;
  const asked = shown ? parseFollowUp(text) : undefined;
  if (shown && asked) {
    const steps: FollowUpSteps = {
      run: (action, input, options) => runAction(deps, stream, thread, action, input, { ...options, signal }),
      awaitApproval: async (action, input) =>
        (await deps.approvals.keep(user, { action, input, thread: { channel: thread.channel, threadTs: thread.threadTs } }, deps.now())).id,
      say: (message) => stream.finish(withFeedback(message, PLAIN_ANSWER)),
      remember,
    };
    return followUp(asked, shown, steps);
  }
  if (deps.planTurn) return deps.planTurn(stream, thread, text, signal);
  const timeZone = await deps.timeZones.of(user);
  const context = { now: deps.now(), timeZone };
  let proposed: Intent | undefined;
  if (deps.chooseIntent) {
    // The chat model costs money and time: each message it reads spends the user's allowance.
    const spent = await deps.budgets.spend(user, 'chat_model');
    if (!spent.allowed) return stream.finish(withFeedback({ text: userMessageFor(new OverBudgetError('chat_model', spent.retryAfterMs)) }, PLAIN_ANSWER));
    proposed = await deps.chooseIntent(text, context);
  }
  const reply = finishingReply(stream, PLAIN_ANSWER);
  if (proposed?.kind === 'alert') {
    // Never raised on the model's reading alone: its sender confirms the card first.
    if (deps.proposeAlert) return deps.proposeAlert(user, proposed, reply);
    return reply.send(buildHelp());
  }
  const intent = proposed ?? parseIntent(text, context);
  switch (intent.kind) {
    case 'unread': {
      const page = { count: intent.count, ...(intent.search ? { search: intent.search } : {}) };
      return runAction(deps, stream, thread, UNREAD_ACTION, page, { onShown: (result) => remember(result as UnreadResult, page), signal });
    }
    case 'event':
      return runAction(deps, stream, thread, CREATE_EVENT_ACTION, eventInputFrom({ title: intent.title, when: intent.when, timeZone }), { signal });
    case 'alert':
      // An alert writes to a channel: here it is proposed as a card, whoever read the words.
      if (deps.proposeAlert) return deps.proposeAlert(user, intent, reply);
      return reply.send(buildHelp());
    case 'unclear':
      if (intent.about === 'event') return reply.send(buildEventUsage(intent.problem));
      return reply.send({ text: escapeMrkdwn(intent.problem) });
    case 'help':
      return reply.send(buildHelp());
  }
}

export interface StepOptions {
  /** Hears the result just before it is shown (e.g. to remember the emails of a summary). */
  onShown?: ((result: unknown) => Promise<void>) | undefined;
  /** Slack's Stop for this turn. */
  signal?: AbortSignal | undefined;
  /** Its user pressed Approve on its card: a writing step runs now. */
  approved?: boolean;
  /** What the approval card says about the things the step acts on. */
  context?: StepContext;
  /** Shows the result instead of the action's presenter (e.g. a draft with its own card). */
  show?: (result: unknown) => Promise<{ text: string; blocks: KnownBlock[]; sessionStatus?: 'active' | 'suspended' }>;
}

/**
 * One step: shown as a task while it runs, then its result (or what went wrong) closes the answer.
 * A step that writes, proposed by the agent, is kept and shown as a card to approve instead.
 */
export async function runAction(
  deps: Pick<AgentConversationDeps, 'runner' | 'approvals' | 'now'>,
  stream: AgentStream,
  thread: AgentThread,
  action: string,
  input: unknown,
  options: StepOptions = {},
): Promise<void> {
  const { signal, onShown } = options;
  if (signal?.aborted) return;
  const title = TASK_TITLES[action] ?? 'Working on it';
  const taskId = `step-1-${action}`;
  if (!options.approved && deps.runner.writes(action)) {
    const approval = await deps.approvals.keep(thread.user, { action, input, thread: { channel: thread.channel, threadTs: thread.threadTs } }, deps.now());
    await stream.task(taskId, title, 'pending');
    // Waiting on a person: the session is suspended until they decide.
    return stream.finish(buildApprovalCard({ approvalId: approval.id, ...describeStep(action, input, options.context) }), { sessionStatus: 'suspended' });
  }
  await stream.task(taskId, title, 'in_progress');
  let failed = false;
  const reply: Reply = {
    // The runner replies only with what stopped the step: an error, or the wait for a connection.
    async send(message) {
      failed = true;
      await stream.task(taskId, title, 'error');
      await stream.finish(withFeedback(message, action));
    },
  };
  await deps.runner.run(thread.user, { action, input }, reply, async (result) => {
    if (signal?.aborted) return; // finished upstream just as it was stopped: the answer is closed
    await stream.task(taskId, title, 'complete');
    // Remembered before it is shown: a quick follow-up (on any instance) must find it.
    await onShown?.(result);
    if (options.show) {
      const { sessionStatus, ...shown } = await options.show(result);
      await stream.finish(shown, sessionStatus ? { sessionStatus } : {});
    } else {
      await stream.finish(withFeedback(presenterFor(action).present(result, input), action));
    }
  }, { ...(signal ? { signal } : {}), promptInReply: true, replyIn: { channel: thread.channel, threadTs: thread.threadTs } });
  if (!failed && !stream.isFinished) await stream.finish(withFeedback({ text: 'Done.' }, action));
}

function finishingReply(stream: AgentStream, rated: string): Reply {
  return { send: (message) => stream.finish(withFeedback(message, rated)) };
}

/** The answer's blocks (or its text as one verbatim section), then the feedback buttons. */
export function withFeedback(message: SlackMessage, rated: string): { text: string; blocks: KnownBlock[] } {
  const body: KnownBlock[] = message.blocks?.length
    ? message.blocks
    : [{ type: 'section', text: { type: 'mrkdwn', text: message.text.slice(0, 3000), verbatim: true } }];
  return { text: message.text, blocks: [...body, buildFeedbackButtons(rated)] };
}
