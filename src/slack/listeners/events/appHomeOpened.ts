/** The Home tab: published when the user opens it; its Connect/Reconnect/Disconnect buttons. */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { HOME_DIGEST_PAUSE, HOME_DIGEST_RESUME, parseHomeAction } from '../../blocks/appHome.ts';
import { BUSY_TEXT } from '../../errorMessages.ts';
import type { HomeTab } from '../../home/homeTab.ts';

export const HOME_ACTIONS = /^home_(connect|disconnect):/;
export const HOME_DIGEST_ACTIONS = new RegExp(`^(${HOME_DIGEST_PAUSE}|${HOME_DIGEST_RESUME})$`);

export function appHomeOpened(deps: { home: HomeTab; tasks: BackgroundTasks }) {
  return async ({ event, body }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
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

/** The Home tab's Pause / Resume of the user's scheduled digest. */
export function homeDigestButton(deps: { home: HomeTab; tasks: BackgroundTasks }) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    const pause = action.action_id === HOME_DIGEST_PAUSE;
    deps.tasks.run(`home digest ${pause ? 'pause' : 'resume'}`, () => deps.home.pauseDigest(user, pause), () => deps.home.publish(user, BUSY_TEXT));
  };
}
