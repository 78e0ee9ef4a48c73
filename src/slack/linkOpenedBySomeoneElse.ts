/**
 * When someone other than a connect link's owner signs in on it: tell the owner, who may have
 * been tricked into forwarding it. The DM carries no link (a forwarded DM must not forward one).
 */
import type { SlackIdentity } from '../actions/ports.ts';
import type { SlackUser } from '../core/slackUser.ts';
import type { BackgroundTasks } from '../infrastructure/backgroundTasks.ts';
import { dmReply } from './replies.ts';
import type { SlackClients } from './slackClients.ts';

export function linkOpenedBySomeoneElse(deps: { clients: SlackClients; tasks: BackgroundTasks }): (owner: SlackUser, opener: SlackIdentity) => void {
  return (owner, opener) =>
    deps.tasks.run('warn link owner', async () => {
      // Slack ids are [A-Z0-9]; anything else is not shown. A user of another workspace is not mentioned.
      const sameWorkspace = opener.teamId === owner.teamId && /^[A-Z0-9]+$/.test(opener.userId);
      const who = sameWorkspace ? `<@${opener.userId}>` : 'someone from another Slack workspace';
      const text =
        `:warning: ${who} opened the connect link I sent you. Nothing was connected: a link only works for you. ` +
        'If you did not mean to share it, you need do nothing; your link still works for you until it expires.';
      await dmReply(await deps.clients.forWorkspace(owner), owner.userId).send({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
    });
}
