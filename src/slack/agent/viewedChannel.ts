/**
 * The channel a user views beside the agent (Slack's `app_context_changed`, and the context
 * `app_home_opened` carries), used where it helps: an alert with no channel named, in a workspace
 * with no team channel set, is proposed for the viewed channel; "tell this channel …" means it. It is
 * only ever proposed, on the alert card, which still waits for Post. Only the channel's id is
 * kept; nothing in the channel is read.
 */
import type { AlertChannelSettings } from '../../actions/alerts/outbox.ts';
import type { AlertProposals } from '../../actions/alerts/proposals.ts';
import type { ViewedChannels } from '../../actions/agent/viewedChannels.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import { buildAlertProposal } from '../blocks/alertProposal.ts';
import type { AlertIntent } from '../listeners/events/appMention.ts';
import type { Reply } from '../replies.ts';

/** A channel Slack names by id (public C…, older private G…); a DM, a canvas or a list is no channel to alert. */
const CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

export const UNKNOWN_VIEWED_CHANNEL = 'I cannot tell which channel you are viewing. Name it, e.g. “alert #ops: deploy failed”.';

interface ContextEntity {
  type?: unknown;
  value?: unknown;
}

/**
 * The channel in an `app_context_changed` (or `app_home_opened`) context: the most relevant entity
 * that names one (a channel, or the channel of a message in view), else undefined.
 */
export function viewedChannelIn(context: unknown): string | undefined {
  const entities = (context as { entities?: unknown } | undefined)?.entities;
  if (!Array.isArray(entities)) return undefined;
  for (const entity of entities as ContextEntity[]) {
    if (entity?.type === 'slack#/types/channel_id' && typeof entity.value === 'string') return CHANNEL_ID.test(entity.value) ? entity.value : undefined;
    if (entity?.type === 'slack#/types/message_context') {
      const channel = (entity.value as { channel_id?: unknown } | undefined)?.channel_id;
      return typeof channel === 'string' && CHANNEL_ID.test(channel) ? channel : undefined;
    }
  }
  return undefined;
}

export interface ProposeAlertDeps {
  proposals: AlertProposals;
  viewedChannels: ViewedChannels;
  channels: AlertChannelSettings;
  /** TEAM_ALERT_CHANNEL. */
  defaultChannel: string | undefined;
  now: () => Date;
}

/** An alert in an agent conversation: shown as a card (Post, Edit, Cancel), with the viewed channel where it fits. */
export function proposeAlertInConversation(deps: ProposeAlertDeps) {
  return async (user: SlackUser, intent: AlertIntent, reply: Reply): Promise<void> => {
    const { kind: _kind, thisChannel, ...request } = intent;
    let viewed = false;
    if (request.channel === undefined) {
      const teamChannel = thisChannel ? undefined : ((await deps.channels.channelFor(user.teamId)) ?? deps.defaultChannel);
      const channel = teamChannel === undefined ? await deps.viewedChannels.viewed(user, deps.now()) : undefined;
      if (channel) {
        request.channel = channel;
        viewed = true;
      } else if (thisChannel) {
        return reply.send({ text: UNKNOWN_VIEWED_CHANNEL });
      }
    }
    const proposal = await deps.proposals.keep(user, request, deps.now());
    await reply.send(buildAlertProposal({ proposalId: proposal.id, request: proposal.request, editable: true, viewed }));
  };
}
