/**
 * Part of the composition root: the bot's own web routes (health, readiness, the connect pages).
 * They ride on the Slack receiver, and what follows a connection is told in Slack, so the notices
 * are looked up when a browser comes back, by which time the Slack surfaces exist.
 */
import type { CustomRoute } from '@slack/bolt';
import type { CompletedAuthorization } from '../actions/browserAuthorization.ts';
import type { SlackIdentity } from '../actions/ports.ts';
import type { SlackUser } from '../core/slackUser.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { webRoutes } from '../web/routes.ts';
import type { ConnectFlow } from './connectFlow.ts';
import type { Storage } from './storage.ts';

export interface ConnectNotices {
  connected(completed: CompletedAuthorization): void;
  openedBySomeoneElse(owner: SlackUser, opener: SlackIdentity): void;
}

export function createWebRoutes(
  config: Config,
  deps: { flow: ConnectFlow; storage: Storage; isReady: () => boolean; notices: () => ConnectNotices; logger: Logger },
): CustomRoute[] {
  return webRoutes({
    browserAuthorization: deps.flow.browserAuthorization,
    onConnected: (completed) => deps.notices().connected(completed),
    onOpenedBySomeoneElse: (owner, opener) => deps.notices().openedBySomeoneElse(owner, opener),
    isReady: deps.isReady,
    pingDatabase: () => deps.storage.db.query('SELECT 1'),
    secureCookies: config.publicUrl.startsWith('https:'),
    logger: deps.logger,
  });
}
