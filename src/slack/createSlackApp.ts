/**
 * Part of the composition root: the Bolt app on the receiver the settings choose (Socket Mode with
 * an app token, else HTTP through our own front door, receiver/slackReceiver.ts), serving the bot's own web routes too, with a bounded Web API client.
 */
import { App, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { boltLogger } from './boltLogger.ts';
import { SlackReceiver } from './receiver/slackReceiver.ts';

export function createSlackApp(config: Config, deps: { routes: CustomRoute[]; logger: Logger; dispatcher: Dispatcher }): App {
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
  return new App({
    token: config.slack.botToken,
    receiver,
    logger: slackLogger,
    // Bolt's default conversation store is unused here and costs a rejected promise per request.
    convoStore: false,
    clientOptions: {
      fetch: pooledFetch,
      slackApiUrl: config.slack.apiUrl,
      // The client's default keeps retrying for about half an hour; interactive work cannot wait.
      retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true },
      timeout: 10_000,
    },
  });
}
