/** `/unread [count] [gmail search]`: acknowledged at once, answered privately when the mail is read. */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { buildUnreadUsage } from '../../blocks/help.ts';
import { parseUnreadArgs } from '../../parsing/unreadArgs.ts';
import { UNREAD_ACTION } from '../../presenters.ts';
import { dmReply, responseUrlReply } from '../../replies.ts';
import type { RequestRunner } from '../../requestRunner.ts';
import type { RespondTo } from '../../responseUrl.ts';
import { tellBusy } from '../../errorMessages.ts';

export function unreadCommand(deps: { runner: RequestRunner; tasks: BackgroundTasks; respondTo: RespondTo }) {
  return async ({ command, ack, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const parsed = parseUnreadArgs(command.text ?? '');
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', ...buildUnreadUsage(parsed.problem) });
      return;
    }
    await ack();
    const user = {
      teamId: command.team_id,
      enterpriseId: command.enterprise_id || undefined,
      userId: command.user_id,
    };
    const reply = responseUrlReply(deps.respondTo(command.response_url), dmReply(client, command.user_id));
    const input = { count: parsed.count, ...(parsed.search ? { search: parsed.search } : {}) };
    deps.tasks.run('unread command', () =>
      deps.runner.run(user, { action: UNREAD_ACTION, input }, reply),
      tellBusy(reply),
    );
  };
}
