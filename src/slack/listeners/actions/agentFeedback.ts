/**
 * The feedback buttons under an agent answer: each press is recorded in the audit log, as an entry
 * of its own beside the answer's (who, when, good or bad; never the answer's content), and thanked
 * privately in the thread.
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AuditLog } from '../../../actions/audit.ts';
import type { UserDirectory } from '../../../actions/ports.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../../infrastructure/logger.ts';
import { parseFeedback } from '../../blocks/agentFeedback.ts';

export const FEEDBACK_AUDIT_ACTIONS = { good: 'agent.feedback.good', bad: 'agent.feedback.bad' } as const;

export function agentFeedbackButton(deps: { audit: AuditLog; users: UserDirectory; tasks: BackgroundTasks; logger: Logger; now: () => Date }) {
  return async ({ ack, body, action, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const feedback = parseFeedback('value' in action ? action.value : undefined);
    if (!feedback) return;
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    const channel = body.channel?.id;
    const messageTs = body.message?.thread_ts ?? body.message?.ts;
    deps.tasks.run('agent feedback', async () => {
      const identifier = await deps.users.identifierFor(user);
      await deps.audit.record({
        identifier,
        slackUserId: user.userId,
        teamId: user.teamId,
        action: FEEDBACK_AUDIT_ACTIONS[feedback.verdict],
        connection: undefined,
        at: deps.now(),
        outcome: 'ok',
      });
      deps.logger.info({ user: user.userId, verdict: feedback.verdict, rated: feedback.rated }, 'agent answer rated');
      if (channel) {
        await client.chat.postEphemeral({
          channel,
          user: user.userId,
          ...(messageTs ? { thread_ts: messageTs } : {}),
          text: feedback.verdict === 'good' ? 'Thanks, glad that helped.' : 'Thanks for telling me; I will use it to do better.',
        });
      }
    });
  };
}
