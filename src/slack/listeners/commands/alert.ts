/** `/alert [#channel] [critical|warning|info] [@channel] message`: a team alert, answered privately. */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import type { TeamAlerts } from '../../alerts/teamAlerts.ts';
import { ALERT_USAGE, parseAlertArgs } from '../../parsing/alertArgs.ts';
import { dmReply, responseUrlReply } from '../../replies.ts';
import type { RespondTo } from '../../responseUrl.ts';
import { escapeMrkdwn } from '../../text/mrkdwn.ts';
import { tellBusy } from '../../errorMessages.ts';

export function alertCommand(deps: { alerts: TeamAlerts; tasks: BackgroundTasks; respondTo: RespondTo }) {
  return async ({ command, ack, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const parsed = parseAlertArgs(command.text ?? '');
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: `${escapeMrkdwn(parsed.problem)}\nUsage: \`${ALERT_USAGE}\`` });
      return;
    }
    await ack();
    const user = { teamId: command.team_id, enterpriseId: command.enterprise_id || undefined, userId: command.user_id };
    const reply = responseUrlReply(deps.respondTo(command.response_url), dmReply(client, command.user_id));
    deps.tasks.run('alert command', () => deps.alerts.raise(user, parsed.request, reply), tellBusy(reply));
  };
}
