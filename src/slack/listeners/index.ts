/** Wires every Slack listener to the app: one line per surface. */
import type { App } from '@slack/bolt';
import type { BackgroundTasks } from '../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { RequestRunner } from '../requestRunner.ts';
import { acknowledgeLinkButton, LINK_BUTTON_ACTIONS } from './actions/linkButtons.ts';
import { unreadCommand } from './commands/unread.ts';
import { dedupeDeliveries, type DeliveryLog } from './dedupeDeliveries.ts';
import { appMention } from './events/appMention.ts';

export interface ListenerDeps {
  runner: RequestRunner;
  tasks: BackgroundTasks;
  deliveries: DeliveryLog;
  logger: Logger;
  now: () => Date;
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  app.use(dedupeDeliveries(deps.deliveries, deps.logger, deps.now));
  app.command('/unread', unreadCommand(deps));
  app.event('app_mention', appMention(deps));
  app.action(LINK_BUTTON_ACTIONS, acknowledgeLinkButton);
}
