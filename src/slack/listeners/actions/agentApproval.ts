/**
 * Approve / Edit / Cancel on the card of a writing step in an agent conversation. Only the person it
 * was proposed to may decide, once, before it expires (one conditional update in the database, so
 * any instance can take the press). The card is replaced by the decision; on Approve the step runs
 * in its thread, streamed like any other answer. Edit on an event or a drafted reply opens a modal
 * and leaves the card waiting (agent/stepEdits.ts); on other steps it drops the step (a plan's
 * model is told, and asks what to change).
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { runAction, watchStop, type AgentConversationDeps } from '../../agent/agentConversation.ts';
import { AgentStream } from '../../agent/agentStream.ts';
import { APPROVAL_ACTIONS, APPROVAL_ANSWERS } from '../../blocks/approvalCard.ts';
import { DRAFT_ANSWERS } from '../../blocks/draftCard.ts';
import { DISCARD_DRAFT_ACTION, SEND_DRAFT_ACTION } from '../../../actions/replyToEmail.ts';
import { continuePlanAfter } from '../../agent/plannedTurn.ts';
import type { Planner } from '../../../actions/llm/planner.ts';
import { openEditModal, type StepEditDeps } from '../../agent/stepEdits.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export function agentApprovalButton(deps: AgentConversationDeps & StepEditDeps & { tasks: BackgroundTasks; planner?: Planner | undefined }) {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const verb = APPROVAL_ACTIONS.exec('action_id' in action ? action.action_id : '')?.[1];
    const id = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    const channel = body.channel?.id ?? body.container?.channel_id;
    const cardTs = body.message?.ts ?? body.container?.message_ts;
    if (!verb || !id || typeof channel !== 'string') return;
    const tell = (text: string) => client.chat.postEphemeral({ channel, user: user.userId, text, ...(body.message?.thread_ts ? { thread_ts: body.message.thread_ts } : {}) });
    if (verb === 'edit' && typeof cardTs === 'string') {
      // An event or a drafted reply is edited in a modal, opened now (not queued: the trigger_id
      // lasts 3 seconds); the card stays, waiting, until the edit is saved.
      try {
        const opened = await openEditModal(deps, client, { user, target: { kind: 'step', id }, card: { channel, ts: cardTs }, triggerId: body.trigger_id });
        if (opened === 'opened') return;
      } catch (err) {
        deps.logger.warn({ err }, 'opening the Edit modal failed');
        await tell(APPROVAL_ANSWERS.editFailed).catch(() => {});
        return;
      }
    }
    deps.tasks.run('agent step approval', async () => {
      const outcome = await deps.approvals.decide(id, user, verb === 'approve' ? 'approve' : 'cancel', deps.now());
      if (!outcome.ok) {
        if (outcome.reason === 'not_yours') deps.logger.warn({ user: user.userId }, "refused a press on someone else's agent step");
        await tell(outcome.reason === 'not_yours' ? APPROVAL_ANSWERS.notYours : APPROVAL_ANSWERS.gone);
        return;
      }
      const { step } = outcome.approval;
      // A drafted reply's card: Send approves sending it; Edit and Discard delete the draft.
      const draft = step.action === SEND_DRAFT_ACTION;
      const answers = draft ? { approve: DRAFT_ANSWERS.sending, edit: DRAFT_ANSWERS.edit, cancel: DRAFT_ANSWERS.discarded } : { approve: APPROVAL_ANSWERS.approved, edit: APPROVAL_ANSWERS.edit, cancel: APPROVAL_ANSWERS.cancelled };
      const answer = answers[verb as 'approve' | 'edit' | 'cancel'];
      // The card goes, whatever comes next: a second press finds nothing to press.
      if (typeof cardTs === 'string') {
        await client.chat.update({ channel, ts: cardTs, text: answer, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: answer, verbatim: true } }] }).catch((error: unknown) => {
          deps.logger.info({ err: error }, 'replacing an approval card failed');
        });
      }
      deps.logger.info({ user: user.userId, action: outcome.approval.step.action, decision: verb }, 'agent step decided');
      // A step of the chat model's plan: the plan goes on (told when the step was declined).
      if (deps.planner && (await continuePlanAfter({ ...deps, planner: deps.planner }, client, outcome.approval, verb as 'approve' | 'edit' | 'cancel'))) return;
      if (verb !== 'approve' && !draft) return;
      const run = verb === 'approve' ? step : { ...step, action: DISCARD_DRAFT_ACTION };
      const thread = { channel: step.thread.channel, threadTs: step.thread.threadTs, user };
      const stream = new AgentStream(client, thread, deps.logger);
      const turn = deps.turns.start(thread, stream);
      const unwatch = watchStop(deps, thread, stream, turn);
      try {
        await stream.working('is doing what you approved…', ['Doing what you approved…']);
        await runAction(deps, stream, thread, run.action, run.input, { approved: true, signal: turn.signal });
      } finally {
        unwatch();
        turn.end();
      }
    });
  };
}
