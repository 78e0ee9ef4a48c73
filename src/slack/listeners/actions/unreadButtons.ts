/**
 * The buttons on the unread-email summary. "Mark as read" marks that email read through the user's
 * own Gmail connection and updates the private message in place (its button gone, the email marked);
 * "Show more" lists the next emails and replaces the message with them. Both answer through the
 * action's response_url; a prompt to (re)connect, or an error, arrives as a new private message.
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { markedAsRead, parseMarkReadValue, parseShowMoreValue, type ShowMorePage } from '../../blocks/unreadSummaryActions.ts';
import { MARK_READ_ACTION, presenterFor, UNREAD_ACTION } from '../../presenters.ts';
import { dmReply, responseUrlReply } from '../../replies.ts';
import type { RequestRunner } from '../../requestRunner.ts';
import type { RespondTo } from '../../responseUrl.ts';
import { tellBusy } from '../../errorMessages.ts';

export { MARK_READ_PREFIX, SHOW_MORE_ACTION_ID } from '../../blocks/unreadSummaryActions.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

function valueOf(action: ButtonArgs['action']): string {
  return 'value' in action && typeof action.value === 'string' ? action.value : '';
}

function userOf(body: BlockAction) {
  return {
    teamId: body.team?.id ?? body.user.team_id ?? '',
    enterpriseId: body.enterprise?.id || undefined,
    userId: body.user.id,
  };
}

export function markReadButton(deps: { runner: RequestRunner; tasks: BackgroundTasks; respondTo: RespondTo }) {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const { id, page } = parseMarkReadValue(valueOf(action));
    const blocks = (body.message as { blocks?: KnownBlock[] } | undefined)?.blocks;
    const respond = deps.respondTo(body.response_url);
    const reply = responseUrlReply(respond, dmReply(client, body.user.id));
    if (!id) {
      await reply.send({ text: 'That button is out of date; ask again with /unread.' });
      return;
    }
    const user = userOf(body);
    deps.tasks.run('mark read button', () =>
      deps.runner.run(user, { action: MARK_READ_ACTION, input: { ids: [id] } }, reply, async (result) => {
        // Slack includes the message's blocks for messages it keeps; ephemeral ones come without,
        // so the page is listed again (the email is no longer unread) and replaces the message.
        if (blocks) {
          await respond({ replace_original: true, text: body.message?.text ?? 'Your unread email', blocks: markedAsRead(blocks, id) });
        } else if (page) {
          const input = unreadInputOf(page);
          // One click, one request's allowance: Mark as read has spent it.
          await deps.runner.run(user, { action: UNREAD_ACTION, input }, reply, async (listed) => {
            await respond({ replace_original: true, ...presenterFor(UNREAD_ACTION).present(listed, input) });
          }, { alreadyCharged: true });
        } else {
          await reply.send(presenterFor(MARK_READ_ACTION).present(result, { ids: [id] }));
        }
      }),
      tellBusy(reply),
    );
  };
}

export function showMoreButton(deps: { runner: RequestRunner; tasks: BackgroundTasks; respondTo: RespondTo }) {
  return async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
    await ack();
    const page = parseShowMoreValue(valueOf(action));
    const respond = deps.respondTo(body.response_url);
    const reply = responseUrlReply(respond, dmReply(client, body.user.id));
    if (!page) {
      await reply.send({ text: 'That button is out of date; ask again with /unread.' });
      return;
    }
    const input = unreadInputOf(page);
    deps.tasks.run('show more button', () =>
      deps.runner.run(userOf(body), { action: UNREAD_ACTION, input }, reply, async (result) => {
        await respond({ replace_original: true, ...presenterFor(UNREAD_ACTION).present(result, input) });
      }),
      tellBusy(reply),
    );
  };
}

function unreadInputOf(page: ShowMorePage) {
  return { count: page.c, ...(page.s ? { search: page.s } : {}), ...(page.p ? { pageToken: page.p } : {}), ...(page.k ? { skip: page.k } : {}) };
}
