/**
 * The Home tab: published when the user opens it; its Connect/Reconnect/Disconnect buttons.
 * Opening the Messages tab (the agent surface) sets its suggested prompts instead, on the channel
 * and without a thread_ts, which an agent app's call would silently fail with.
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { parseHomeAction } from '../../blocks/appHome.ts';
import { BUSY_TEXT } from '../../errorMessages.ts';
import type { HomeTab } from '../../home/homeTab.ts';
import { SUGGESTED_PROMPTS, SUGGESTED_PROMPTS_TITLE } from '../../agent/prompts.ts';

export const HOME_ACTIONS = /^home_(connect|disconnect):/;

export function appHomeOpened(deps: { home: HomeTab; tasks: BackgroundTasks }) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab === 'messages') {
      const channel = event.channel;
      deps.tasks.run('suggest prompts', async () => {
        await client.assistant.threads.setSuggestedPrompts({ channel_id: channel, title: SUGGESTED_PROMPTS_TITLE, prompts: [...SUGGESTED_PROMPTS] });
      });
      return;
    }
    if (event.tab !== 'home') return;
    const user = { teamId: body.team_id, enterpriseId: body.enterprise_id || undefined, userId: event.user };
    deps.tasks.run('publish home', () => deps.home.publish(user));
  };
}

export function homeButton(deps: { home: HomeTab; tasks: BackgroundTasks }) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const parsed = parseHomeAction(action.action_id);
    if (!parsed) return;
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    deps.tasks.run(`home ${parsed.verb}`, () =>
      parsed.verb === 'connect' ? deps.home.connect(user, parsed.connector) : deps.home.disconnect(user, parsed.connector),
      // Home has no reply of its own: the tab says it, where the button was pressed.
      () => deps.home.publish(user, BUSY_TEXT),
    );
  };
}
