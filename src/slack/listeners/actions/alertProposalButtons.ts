/**
 * Post and Cancel on a proposed alert's card. Only the person it was proposed to may decide, once:
 * Post raises the alert exactly as shown (with the same rules as `/alert`); Cancel drops it. The
 * card is replaced by the answer, so it cannot be pressed again by mistake.
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AlertProposals } from '../../../actions/alerts/proposals.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../../infrastructure/logger.ts';
import type { TeamAlerts } from '../../alerts/teamAlerts.ts';
import { PROPOSAL_ANSWERS, PROPOSAL_POST_ACTION } from '../../blocks/alertProposal.ts';
import { dmReply, responseUrlReply } from '../../replies.ts';
import type { RespondTo } from '../../responseUrl.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export function alertProposalButton(deps: {
  proposals: AlertProposals;
  alerts: TeamAlerts;
  tasks: BackgroundTasks;
  respondTo: RespondTo;
  logger: Logger;
  now: () => Date;
}) {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const id = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const decision = 'action_id' in action && action.action_id === PROPOSAL_POST_ACTION ? 'post' : 'cancel';
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    const respond = body.response_url ? deps.respondTo(body.response_url) : undefined;
    const reply = respond ? responseUrlReply(respond, dmReply(client, user.userId)) : dmReply(client, user.userId);
    deps.tasks.run('alert proposal button', async () => {
      const outcome = await deps.proposals.decide(id, user, decision, deps.now());
      if (!outcome.ok) {
        if (outcome.reason === 'not_yours') deps.logger.warn({ user: user.userId }, 'refused a press on someone else\'s proposed alert');
        await reply.send({ text: outcome.reason === 'not_yours' ? PROPOSAL_ANSWERS.notYours : PROPOSAL_ANSWERS.gone });
        return;
      }
      // The card goes, whatever comes next: a second press finds nothing to press.
      await respond?.({ replace_original: true, text: decision === 'post' ? ':outbox_tray: Posting your alert…' : PROPOSAL_ANSWERS.cancelled }).catch(() => {});
      if (decision === 'post') await deps.alerts.raise(user, outcome.proposal.request, reply);
    });
  };
}
