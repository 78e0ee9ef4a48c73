/**
 * The composition root: builds every collaborator from the settings and wires them together.
 * It holds no logic of its own.
 */
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { BrowserAuthorization } from './actions/browserAuthorization.ts';
import { ActionCatalog } from './actions/catalog.ts';
import { RequestAuthorization } from './actions/requestAuthorization.ts';
import { ResumeKeptRequests } from './actions/resumeKeptRequests.ts';
import { ShowUnreadEmail, unreadInputSchema } from './actions/showUnreadEmail.ts';
import { createAgentAuth, endpointOverrides } from './agentAuth/createAgentAuth.ts';
import { GmailClient } from './connectors/gmail/gmailClient.ts';
import { resolveConnector } from './connectors/providers.ts';
import { KeptRequestSweeper } from './actions/keptRequestSweeper.ts';
import { BackgroundTasks } from './infrastructure/backgroundTasks.ts';
import { every, type Periodic } from './infrastructure/periodic.ts';
import { knownSecrets, type Config } from './infrastructure/config.ts';
import { createUpstreamDispatcher } from './infrastructure/http/dispatcher.ts';
import { createLogger, type Logger } from './infrastructure/logger.ts';
import { openDatabase } from './infrastructure/storage/database.ts';
import { migrate } from './infrastructure/storage/migrations.ts';
import { SqlAuthLinkStore } from './infrastructure/storage/sqlAuthLinkStore.ts';
import { SqlAuthSessionStore } from './infrastructure/storage/sqlAuthSessionStore.ts';
import { SqlKeptRequestStore } from './infrastructure/storage/sqlKeptRequestStore.ts';
import { SqlProcessedEvents } from './infrastructure/storage/sqlProcessedEvents.ts';
import { SqlUserDirectory } from './infrastructure/storage/sqlUserDirectory.ts';
import { afterConnected, deliverKeptOutcome } from './slack/afterConnected.ts';
import { boltLogger } from './slack/boltLogger.ts';
import { registerListeners } from './slack/listeners/index.ts';
import { UNREAD_ACTION } from './slack/presenters.ts';
import { RequestRunner } from './slack/requestRunner.ts';
import { CALLBACK_PATH, webRoutes } from './web/routes.ts';

export interface BotOptions {
  logger?: Logger;
  now?: () => Date;
  /** How often to look for kept requests whose account has become usable (default 30 s). */
  keptRequestSweepMs?: number;
}

export interface Bot {
  /** Starts serving; resolves with the HTTP port the bot's routes listen on. */
  start(): Promise<{ port: number }>;
  /** Stops taking requests, lets the work in flight finish (up to `drainMs`), then closes. */
  stop(drainMs?: number): Promise<void>;
}

export async function createBot(config: Config, options: BotOptions = {}): Promise<Bot> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, knownSecrets: knownSecrets(config) });
  const now = options.now ?? (() => new Date());

  const db = await openDatabase(config.databaseUrl);
  await migrate(db);
  const dispatcher = createUpstreamDispatcher();
  const tasks = new BackgroundTasks(logger);

  const gmailConnection = config.gmail.connectionName;
  const agentAuth = await createAgentAuth(config.agentAuth, {
    connectors: { [gmailConnection]: resolveConnector('gmail', endpointOverrides(config.agentAuth)) },
    db,
    dispatcher,
    logger,
    now,
  });
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
  const resume = new ResumeKeptRequests({ catalog, keptRequests, now });
  const onConnected = afterConnected({
    client: app.client,
    resume,
    tasks,
    logger,
    connectionLabels: { [gmailConnection]: 'Gmail' },
  });
  const sweeper = new KeptRequestSweeper({ keptRequests, agentAuth, resume, now });
  const deliverKept = deliverKeptOutcome({ client: app.client, logger });
  let sweeping: Periodic | undefined;
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
      sweeping = every(options.keptRequestSweepMs ?? 30_000, 'kept request sweep', async () => {
        const carried = await sweeper.sweep(deliverKept);
        if (carried > 0) logger.info({ carried }, 'carried out kept requests found by the sweep');
      }, logger);
      logger.info({ port, mode: config.slack.appToken ? 'socket' : 'http' }, 'bot is ready');
      return { port };
    },
    async stop(drainMs = 10_000) {
      ready = false;
      await sweeping?.stop();
      await app.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack receiver failed'));
      const drained = await tasks.drain(drainMs);
      if (!drained) logger.warn({ pending: tasks.size }, 'stopped with work still in flight');
      await dispatcher.close().catch(() => {});
      await db.close();
      logger.info('bot stopped');
    },
  };
}
