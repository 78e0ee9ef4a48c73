/**
 * Part of the composition root: the Bolt app on the receiver the settings choose (Socket Mode with
 * an app token, else HTTP through our own front door, receiver/slackReceiver.ts), serving the bot's own web routes too, with a bounded Web API client.
 *
 * Bolt is given an `authorize` hook rather than the token: given the token, it calls auth.test in
 * its constructor, where a refused token or an unreachable Slack becomes an unhandled rejection and
 * a failure cached for every later request. The bot checks the token itself at start
 * (botTokenCheck.ts) and hands the ids it learnt to `identity`; `clients` give the client for
 * calls made outside a listener.
 *
 * Serving many workspaces, `authorize` looks up the installation serving the request's workspace
 * (or its org's org-wide one) instead, with its token rotated when due (install/botTokens.ts).
 */
import { App, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { BotIdentity } from './botTokenCheck.ts';
import { boltLogger } from './boltLogger.ts';
import type { BotTokens } from './install/botTokens.ts';
import { installedWorkspaceClients, singleWorkspaceClients, type SlackClients } from './slackClients.ts';
import { SlackReceiver } from './receiver/slackReceiver.ts';

export interface SlackAppDeps {
  routes: CustomRoute[];
  logger: Logger;
  dispatcher: Dispatcher;
  /** The bot's ids once its token has been checked; undefined before. */
  identity: () => BotIdentity | undefined;
  /** Serving many workspaces: each one's installation and bot token. */
  tokens?: BotTokens | undefined;
}

export interface SlackApp {
  app: App;
  /** Each workspace's client, with the app's client options. */
  clients: SlackClients;
  /** Each workspace's client, with other options (e.g. no retries of its own). */
  clientsWith(options: WebClientOptions): SlackClients;
}

export function createSlackApp(config: Config, deps: SlackAppDeps): SlackApp {
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
  const { workspaces } = config.slack;
  const tokens = deps.tokens;
  const app = new App({
    authorize: async ({ teamId, enterpriseId, isEnterpriseInstall }) => {
      if (workspaces.kind === 'many') {
        if (!tokens) throw new Error('serving many workspaces needs the installations');
        const installation = await tokens.forWorkspace({ teamId, enterpriseId });
        return {
          botToken: installation.botToken,
          botId: installation.botId,
          botUserId: installation.botUserId,
          teamId: teamId ?? installation.teamId,
          enterpriseId: enterpriseId ?? installation.enterpriseId,
          isEnterpriseInstall,
        };
      }
      const identity = deps.identity();
      // Before the check the bot is not ready (/readyz says so); such a request is acknowledged and dropped.
      if (!identity) throw new Error('the bot token has not been checked yet: the bot is still starting');
      return { botToken: workspaces.botToken, botId: identity.botId, botUserId: identity.botUserId, isEnterpriseInstall };
    },
    receiver,
    logger: slackLogger,
    // Bolt's default conversation store is unused here and costs a rejected promise per request.
    convoStore: false,
    clientOptions: { ...clientOptions },
  });
  const clientsWith = (options: WebClientOptions): SlackClients => {
    const withLogger = { ...options, logger: slackLogger };
    if (workspaces.kind === 'single') return singleWorkspaceClients(new WebClient(workspaces.botToken, withLogger));
    if (!tokens) throw new Error('serving many workspaces needs the installations');
    return installedWorkspaceClients(tokens, withLogger);
  };
  return { app, clients: clientsWith(clientOptions), clientsWith };
}
