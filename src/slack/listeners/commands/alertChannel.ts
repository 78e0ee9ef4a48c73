/**
 * `/alert-channel #channel`: sets the workspace's team-alert channel (workspace admins and the users
 * ALERT_CHANNEL_CONFIGURERS names); `/alert-channel` alone says which channel it is.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { channelRef } from '../../../actions/alerts/alert.ts';
import type { AlertChannelSettings } from '../../../actions/alerts/outbox.ts';
import { mayConfigureChannel, type AlertPolicy } from '../../../actions/alerts/policy.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import type { SlackDirectory } from '../../alerts/slackDirectory.ts';
import { buildAlertChannelSet } from '../../blocks/alertConfirmation.ts';
import { channelToken } from '../../parsing/alertArgs.ts';
import { dmReply, responseUrlReply } from '../../replies.ts';
import type { RespondTo } from '../../responseUrl.ts';
import { escapeTruncated, oneLine } from '../../text/mrkdwn.ts';
import { tellBusy } from '../../errorMessages.ts';

export interface AlertChannelDeps {
  channels: AlertChannelSettings;
  policy: AlertPolicy;
  directory: SlackDirectory;
  defaultChannel: string | undefined;
  tasks: BackgroundTasks;
  respondTo: RespondTo;
  now: () => Date;
}

const USAGE = 'Usage: `/alert-channel #channel`';

export function alertChannelCommand(deps: AlertChannelDeps) {
  return async ({ command, ack, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const reply = responseUrlReply(deps.respondTo(command.response_url), dmReply(client, command.user_id));
    const text = (command.text ?? '').trim();
    deps.tasks.run('alert-channel command', async () => {
      if (!text) {
        const current = (await deps.channels.channelFor(command.team_id)) ?? deps.defaultChannel;
        const ref = current === undefined ? undefined : channelRef(current);
        const where = !ref ? 'not set yet' : ref.kind === 'id' ? `<#${ref.id}>` : `#${escapeTruncated(ref.name, 80)}`;
        await reply.send({ text: `Team alerts go to ${where}. ${USAGE}` });
        return;
      }
      const workspace = { teamId: command.team_id, enterpriseId: command.enterprise_id };
      const isWorkspaceAdmin = await deps.directory.isWorkspaceAdmin(command.user_id, workspace);
      const allowed = await mayConfigureChannel(deps.policy, { userId: command.user_id, isWorkspaceAdmin }, (group, user) =>
        deps.directory.isInUserGroup(group, user, workspace),
      );
      if (!allowed) {
        await reply.send({ text: ':x: Only workspace admins (and the people the app\'s admins allow) can set the team-alert channel.' });
        return;
      }
      const token = channelToken(text.split(/\s+/)[0] ?? '');
      const ref = token === undefined ? undefined : channelRef(token);
      const channelId = !ref ? undefined : ref.kind === 'id' ? ref.id : await deps.directory.channelIdForName(workspace, ref.name);
      if (!channelId) {
        await reply.send({ text: `:x: I couldn't find the channel ${escapeTruncated(oneLine(text), 80)}. ${USAGE}` });
        return;
      }
      await deps.channels.setChannel(command.team_id, channelId, command.user_id, deps.now());
      await reply.send(buildAlertChannelSet({ channelId }));
    }, tellBusy(reply));
  };
}
