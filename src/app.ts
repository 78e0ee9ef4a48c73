/**
 * The composition root: builds every collaborator from the settings and wires them together.
 * It holds no logic of its own.
 */
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { ScalekitClient } from '@scalekit-sdk/node';
import { BrowserAuthorization } from './actions/browserAuthorization.ts';
import { ActionCatalog } from './actions/catalog.ts';
import { RequestAuthorization } from './actions/requestAuthorization.ts';
import { ResumeKeptRequests } from './actions/resumeKeptRequests.ts';
import { ShowUnreadEmail, unreadInputSchema } from './actions/showUnreadEmail.ts';
import { ScalekitAgentAuth } from './agentAuth/scalekit/scalekitAgentAuth.ts';
import { GmailClient } from './connectors/gmail/gmailClient.ts';
import { BackgroundTasks } from './infrastructure/backgroundTasks.ts';
import type { Config } from './infrastructure/config.ts';
import { createUpstreamDispatcher } from './infrastructure/http/dispatcher.ts';
import { createLogger, type Logger } from './infrastructure/logger.ts';
import { openDatabase } from './infrastructure/storage/database.ts';
import { migrate } from './infrastructure/storage/migrations.ts';
import { SqlAuthLinkStore } from './infrastructure/storage/sqlAuthLinkStore.ts';
import { SqlAuthSessionStore } from './infrastructure/storage/sqlAuthSessionStore.ts';
import { SqlKeptRequestStore } from './infrastructure/storage/sqlKeptRequestStore.ts';
import { SqlProcessedEvents } from './infrastructure/storage/sqlProcessedEvents.ts';
import { SqlUserDirectory } from './infrastructure/storage/sqlUserDirectory.ts';
import { afterConnected } from './slack/afterConnected.ts';
import { boltLogger } from './slack/boltLogger.ts';
import { registerListeners } from './slack/listeners/index.ts';
import { UNREAD_ACTION } from './slack/presenters.ts';
import { RequestRunner } from './slack/requestRunner.ts';
import { CALLBACK_PATH, webRoutes } from './web/routes.ts';

export interface BotOptions {
  logger?: Logger;
  now?: () => Date;
}

export interface Bot {
  /** Starts serving; resolves with the HTTP port the bot's routes listen on. */
  start(): Promise<{ port: number }>;
  /** Stops taking requests, lets the work in flight finish (up to `drainMs`), then closes. */
  stop(drainMs?: number): Promise<void>;
}

export async function createBot(config: Config, options: BotOptions = {}): Promise<Bot> {
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      knownSecrets: [config.slack.botToken, config.slack.signingSecret, config.slack.appToken, config.scalekit.clientSecret],
    });
  const now = options.now ?? (() => new Date());

  const db = await openDatabase(config.databaseUrl);
  await migrate(db);
  const dispatcher = createUpstreamDispatcher();
  const tasks = new BackgroundTasks(logger);

  const scalekit = new ScalekitClient(config.scalekit.envUrl, config.scalekit.clientId, config.scalekit.clientSecret, {
    timeoutMs: 8_000,
  });
  const agentAuth = new ScalekitAgentAuth({ actions: scalekit.actions, now });
  const gmailConnection = config.gmail.connectionName;
  const showUnread = new ShowUnreadEmail({
    agentAuth,
    gmail: new GmailClient({ baseUrl: config.gmail.apiUrl, dispatcher, requestTimeoutMs: 5_000 }),
    connection: gmailConnection,
  });
  const catalog = new ActionCatalog().register({
    name: UNREAD_ACTION,
    connection: gmailConnection,
    input: unreadInputSchema,
    run: (identifier, input) => showUnread.run(identifier, input),
  });

  const links = new SqlAuthLinkStore(db);
  const keptRequests = new SqlKeptRequestStore(db);
  const browserAuthorization = new BrowserAuthorization({
    agentAuth,
    links,
    sessions: new SqlAuthSessionStore(db),
    returnUrl: `${config.publicUrl}${CALLBACK_PATH}`,
    now,
  });

  let ready = false;
  const slackLogger = boltLogger(logger);
  const routes = webRoutes({
    browserAuthorization,
    onConnected: (completed) => onConnected(completed),
    isReady: () => ready,
    pingDatabase: () => db.query('SELECT 1'),
    secureCookies: config.publicUrl.startsWith('https:'),
    logger,
  });
  const receiver: Receiver = config.slack.appToken
    ? new SocketModeReceiver({
        appToken: config.slack.appToken,
        customRoutes: routes,
        // The Socket Mode client calls apps.connections.open through its own Web API client.
        installerOptions: { port: config.port, clientOptions: { slackApiUrl: config.slack.apiUrl } },
        logger: slackLogger,
      })
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret ?? '',
        customRoutes: routes,
        logger: slackLogger,
      });
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger: slackLogger,
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      // The client's default keeps retrying for about half an hour; interactive work cannot wait.
      retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000, randomize: true },
      timeout: 10_000,
    },
  });

  const runner = new RequestRunner({
    catalog,
    users: new SqlUserDirectory(db),
    requestAuthorization: new RequestAuthorization({ agentAuth, links, keptRequests, publicUrl: config.publicUrl, now }),
    client: app.client,
    logger,
    now,
  });
  const onConnected = afterConnected({
    client: app.client,
    resume: new ResumeKeptRequests({ catalog, keptRequests, now }),
    tasks,
    logger,
    connectionLabels: { [gmailConnection]: 'Gmail' },
  });
  registerListeners(app, { runner, tasks, deliveries: new SqlProcessedEvents(db), logger, now });
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });

  return {
    async start() {
      const started = (await app.start(config.port)) as unknown;
      const address = (started as { address?: () => unknown }).address?.();
      const port = typeof address === 'object' && address && 'port' in address ? Number(address.port) : config.port;
      ready = true;
      logger.info({ port, mode: config.slack.appToken ? 'socket' : 'http' }, 'bot is ready');
      return { port };
    },
    async stop(drainMs = 10_000) {
      ready = false;
      await app.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack receiver failed'));
      const drained = await tasks.drain(drainMs);
      if (!drained) logger.warn({ pending: tasks.size }, 'stopped with work still in flight');
      await dispatcher.close().catch(() => {});
      await db.close();
      logger.info('bot stopped');
    },
  };
}
