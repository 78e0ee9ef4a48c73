/**
 * Part of the composition root: the Bolt app on the receiver the settings choose (Socket Mode with
 * an app token, else HTTP through our own front door, receiver/slackReceiver.ts), serving the bot's own web routes too, with a bounded Web API client.
 *
 * Bolt is given an `authorize` hook rather than the token: given the token, it calls auth.test in
 * its constructor, where a refused token or an unreachable Slack becomes an unhandled rejection and
 * a failure cached for every later request. The bot checks the token itself at start
 * (botTokenCheck.ts) and hands the ids it learnt to `identity`; `client` carries the token for
 * calls made outside a listener.
 */
import { App, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { BotIdentity } from './botTokenCheck.ts';
import { boltLogger } from './boltLogger.ts';
import { SlackReceiver } from './receiver/slackReceiver.ts';

export interface SlackAppDeps {
  routes: CustomRoute[];
  logger: Logger;
  dispatcher: Dispatcher;
  /** The bot's ids once its token has been checked; undefined before. */
  identity: () => BotIdentity | undefined;
}

export function createSlackApp(config: Config, deps: SlackAppDeps): { app: App; client: WebClient } {
  const slackLogger = boltLogger(deps.logger);
  const receiver: Receiver = config.slack.appToken
    ? new SocketModeReceiver({
        appToken: config.slack.appToken,
        customRoutes: deps.routes,
        // The Socket Mode client calls apps.connections.open through its own Web API client.
        installerOptions: { port: config.port, clientOptions: { slackApiUrl: config.slack.apiUrl } },
        logger: slackLogger,
      })
    : new SlackReceiver({
        signingSecret: config.slack.signingSecret ?? '',
        routes: deps.routes,
        logger: deps.logger,
        port: config.port,
      });
  // Slack calls share the bounded keep-alive pool with the other upstreams instead of the global fetch.
  const pooledFetch = ((url: string | URL, init?: object) =>
    undiciFetch(url, { ...(init as object), dispatcher: deps.dispatcher })) as unknown as WebClientOptions['fetch'];
  const clientOptions: WebClientOptions = {
    fetch: pooledFetch,
    slackApiUrl: config.slack.apiUrl,
    // The client's default keeps retrying for about half an hour; interactive work cannot wait.
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true },
    timeout: 10_000,
  };
  const botToken = config.slack.botToken;
  const app = new App({
    authorize: async ({ isEnterpriseInstall }) => {
      const identity = deps.identity();
      // Before the check the bot is not ready (/readyz says so); such a request is acknowledged and dropped.
      if (!identity) throw new Error('the bot token has not been checked yet: the bot is still starting');
      return { botToken, botId: identity.botId, botUserId: identity.botUserId, isEnterpriseInstall };
    },
    receiver,
    logger: slackLogger,
    // Bolt's default conversation store is unused here and costs a rejected promise per request.
    convoStore: false,
    clientOptions: { ...clientOptions },
  });
  return { app, client: new WebClient(botToken, { ...clientOptions, logger: slackLogger }) };
}
