/** `@bot show me my last 5 unread emails` and the like: the same action, answered privately. */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { buildHelp } from '../../blocks/help.ts';
import { parseMention } from '../../parsing/mentionIntent.ts';
import { UNREAD_ACTION } from '../../presenters.ts';
import { ephemeralReply } from '../../replies.ts';
import type { RequestRunner } from '../../requestRunner.ts';

export function appMention(deps: { runner: RequestRunner; tasks: BackgroundTasks }) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs): Promise<void> => {
    const userId = event.user;
    if (!userId) return;
    const reply = ephemeralReply(client, { channel: event.channel, userId, threadTs: event.thread_ts });
    const intent = parseMention(event.text);
    if (intent.kind === 'help') {
      deps.tasks.run('mention help', () => reply.send(buildHelp()));
      return;
    }
    const user = {
      teamId: body.team_id ?? event.team ?? '',
      enterpriseId: body.enterprise_id || undefined,
      userId,
    };
    const input = { count: intent.count, ...(intent.search ? { search: intent.search } : {}) };
    deps.tasks.run('unread mention', () => deps.runner.run(user, { action: UNREAD_ACTION, input }, reply));
  };
}
