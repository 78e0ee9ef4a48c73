/**
 * The Slack side of a digest delivery: the user's profile read fresh (users.info, no cache: a zone
 * change or a departure counts at the next delivery), and the DMs: the `/unread` summary itself, a
 * note when it could not be delivered, and the reconnect prompt.
 */
import type { DigestMessenger, DigestRecipient } from '../../actions/digests/deliverDigests.ts';
import { isValidTimeZone } from '../../core/zonedTime.ts';
import { buildAuthorizationPrompt } from '../blocks/authorizationPrompt.ts';
import { formatSlot } from '../blocks/digestStatus.ts';
import { userMessageFor } from '../errorMessages.ts';
import { presenterFor, UNREAD_ACTION } from '../presenters.ts';
import { dmReply } from '../replies.ts';
import type { SlackClients } from '../slackClients.ts';

export function slackDigestMessenger(deps: { clients: SlackClients; now: () => Date }): DigestMessenger {
  const presenter = presenterFor(UNREAD_ACTION);
  return {
    async recipient(user): Promise<DigestRecipient> {
      try {
        const info = await (await deps.clients.forWorkspace(user)).users.info({ user: user.userId });
        if (info.user?.deleted) return { deleted: true };
        const tz = info.user?.tz;
        return { deleted: false, timeZone: tz && isValidTimeZone(tz) ? tz : 'UTC' };
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error === 'user_not_found') return { deleted: true };
        throw error;
      }
    },
    async sendDigest(user, result, input) {
      const summary = presenter.present(result, input);
      // Same blocks as /unread; the notification text says why it came unasked.
      await dmReply(await deps.clients.forWorkspace(user), user.userId).send({ ...summary, text: `Your scheduled digest: ${summary.text}` });
    },
    async sendUndelivered(user, slot, error) {
      const why = userMessageFor(error, { connectorLabel: presenter.connectorLabel });
      await dmReply(await deps.clients.forWorkspace(user), user.userId).send({
        text: `:warning: I couldn't deliver your digest for ${formatSlot(slot.at, slot.timeZone)}: I kept trying for an hour. ${why} The next one comes as scheduled; \`/unread\` shows your mail any time.`,
      });
    },
    async promptReconnect(user, pending) {
      const minutes = Math.max(1, Math.round((pending.linkExpiresAt.getTime() - deps.now().getTime()) / 60_000));
      await dmReply(await deps.clients.forWorkspace(user), user.userId).send(
        buildAuthorizationPrompt({
          connectorLabel: presenter.connectorLabel,
          url: pending.linkUrl,
          expiresInMinutes: minutes,
          purpose: 'send your scheduled digest',
          reconnect: pending.reconnect,
        }),
      );
    },
  };
}
