/**
 * The Edit modal of a drafted reply, submitted: the old draft's approval is decided (so its Send can
 * no longer be pressed, on any instance), the old draft deleted, and the reply drafted anew with the
 * edited words and shown in its thread with Send / Edit / Discard.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { DISCARD_DRAFT_ACTION, REPLY_TEXT_MAX } from '../../../actions/replyToEmail.ts';
import { runAction, watchStop, type AgentConversationDeps } from '../../agent/agentConversation.ts';
import { AgentStream } from '../../agent/agentStream.ts';
import { draftReply } from '../../agent/followUps.ts';
import { APPROVAL_ANSWERS } from '../../blocks/approvalCard.ts';
import { DRAFT_EDIT_BLOCK, DRAFT_EDIT_INPUT, parseDraftEditMetadata } from '../../blocks/draftEditModal.ts';

const EDITED = 'Edited: the new draft follows.';

export function draftEditSubmitted(deps: AgentConversationDeps & { tasks: BackgroundTasks }) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const text = view.state.values[DRAFT_EDIT_BLOCK]?.[DRAFT_EDIT_INPUT]?.value?.trim() ?? '';
    if (text.length === 0 || text.length > REPLY_TEXT_MAX) {
      await ack({ response_action: 'errors', errors: { [DRAFT_EDIT_BLOCK]: `Write your reply (at most ${REPLY_TEXT_MAX.toLocaleString('en-US')} characters).` } });
      return;
    }
    await ack();
    const where = parseDraftEditMetadata(view.private_metadata);
    if (!where) return;
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    deps.tasks.run('agent draft edit', async () => {
      const outcome = await deps.approvals.decide(where.approvalId, user, 'cancel', deps.now());
      if (!outcome.ok) {
        await client.chat.postEphemeral({ channel: where.channel, user: user.userId, text: outcome.reason === 'not_yours' ? APPROVAL_ANSWERS.notYours : APPROVAL_ANSWERS.gone });
        return;
      }
      const { step } = outcome.approval;
      const old = step.input as { draftId: string; messageId: string; mailbox?: string };
      await client.chat
        .update({ channel: where.channel, ts: where.cardTs, text: EDITED, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: EDITED, verbatim: true } }] })
        .catch((err: unknown) => deps.logger.info({ err }, 'replacing a draft card failed'));
      // The old draft goes quietly (its failure is logged and audited); the new one is drafted anyway.
      await deps.runner.run(user, { action: DISCARD_DRAFT_ACTION, input: { draftId: old.draftId } }, { send: async () => {} }, async () => {});
      const thread = { channel: step.thread.channel, threadTs: step.thread.threadTs, user };
      const stream = new AgentStream(client, thread, deps.logger);
      const turn = deps.turns.start(thread, stream);
      const unwatch = watchStop(deps, thread, stream, turn);
      try {
        await stream.working('is drafting your reply again…', ['Drafting your reply…']);
        const steps = {
          run: (action: string, input: unknown, options?: Parameters<typeof runAction>[5]) =>
            runAction(deps, stream, thread, action, input, { ...options, signal: turn.signal }),
          awaitApproval: async (action: string, input: unknown) => (await deps.approvals.keep(user, { action, input, thread: step.thread }, deps.now())).id,
        };
        await draftReply(steps, old.messageId, text, old.mailbox);
      } finally {
        unwatch();
        turn.end();
      }
    });
  };
}
