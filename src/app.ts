/**
 * The composition root: builds every collaborator from the settings and wires them together.
 * It holds no logic of its own.
 */
import { BrowserAuthorization } from './actions/browserAuthorization.ts';
import { RequestAuthorization } from './actions/requestAuthorization.ts';
import { ResumeKeptRequests } from './actions/resumeKeptRequests.ts';
import { createConnections } from './composition/connections.ts';
import { createLlmIntent } from './composition/llm.ts';
import { createTeamAlerts } from './composition/teamAlerts.ts';
import { KeptRequestSweeper } from './actions/keptRequestSweeper.ts';
import { BackgroundTasks } from './infrastructure/backgroundTasks.ts';
import { every, type Periodic } from './infrastructure/periodic.ts';
import { knownSecrets, type Config } from './infrastructure/config.ts';
import { createUpstreamDispatcher } from './infrastructure/http/dispatcher.ts';
import { createLogger, type Logger } from './infrastructure/logger.ts';
import { openDatabase } from './infrastructure/storage/database.ts';
import { migrate } from './infrastructure/storage/migrations.ts';
import { SqlAuditLog } from './infrastructure/storage/sqlAuditLog.ts';
import { SqlAuthLinkStore } from './infrastructure/storage/sqlAuthLinkStore.ts';
import { SqlAuthSessionStore } from './infrastructure/storage/sqlAuthSessionStore.ts';
import { SqlKeptRequestStore } from './infrastructure/storage/sqlKeptRequestStore.ts';
import { SqlProcessedEvents } from './infrastructure/storage/sqlProcessedEvents.ts';
import { SqlUserDirectory } from './infrastructure/storage/sqlUserDirectory.ts';
import { afterConnected, deliverKeptOutcome } from './slack/afterConnected.ts';
import { createSlackApp } from './slack/createSlackApp.ts';
import { registerListeners } from './slack/listeners/index.ts';
import { createResponder } from './slack/responseUrl.ts';
import { HomeTab } from './slack/home/homeTab.ts';
import { RequestRunner } from './slack/requestRunner.ts';
import { UserTimeZones } from './slack/userTimeZones.ts';
import { CALLBACK_PATH, webRoutes } from './web/routes.ts';

export interface BotOptions {
  logger?: Logger;
  now?: () => Date;
  /** How often to look for kept requests whose account has become usable (default 30 s). */
  keptRequestSweepMs?: number;
  /** How often to post due team alerts (default 2 s; each accepted alert also starts a pass at once). */
  alertDeliveryMs?: number;
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

  const db = await openDatabase(config.databaseUrl, { notice: (message) => logger.warn(message) });
  await migrate(db);
  const dispatcher = createUpstreamDispatcher();
  const tasks = new BackgroundTasks(logger);

  const { agentAuth, catalog, connections } = await createConnections(config, { db, dispatcher, logger, now });

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
  const routes = webRoutes({
    browserAuthorization,
    onConnected: (completed) => onConnected(completed),
    isReady: () => ready,
    pingDatabase: () => db.query('SELECT 1'),
    secureCookies: config.publicUrl.startsWith('https:'),
    logger,
  });
  const app = createSlackApp(config, { routes, logger, dispatcher });
  const users = new SqlUserDirectory(db);
  const audit = new SqlAuditLog(db);
  const teamAlerts = createTeamAlerts(config, { db, client: app.client, users, audit, tasks, logger, now });

  const requestAuthorization = new RequestAuthorization({ agentAuth, links, keptRequests, publicUrl: config.publicUrl, now });
  const runner = new RequestRunner({ catalog, users, audit, requestAuthorization, client: app.client, logger, now });
  const resume = new ResumeKeptRequests({
    catalog,
    keptRequests,
    now,
    audit,
    onAuditError: (err) => logger.warn({ err }, 'recording an action in the audit log failed'),
  });
  const connectionLabels = Object.fromEntries(connections.map((c) => [c.connection, c.label]));
  const { channels, directory } = teamAlerts;
  const defaultChannel = config.alerts.defaultChannel;
  const home = new HomeTab({ agentAuth, users, requestAuthorization, channels, defaultChannel, connections, client: app.client, logger, now });
  const onConnected = afterConnected({ client: app.client, resume, tasks, logger, connectionLabels, refreshHome: (user) => home.publish(user) });
  const sweeper = new KeptRequestSweeper({ keptRequests, agentAuth, resume, now });
  const deliverKept = deliverKeptOutcome({ client: app.client, logger });
  let sweeping: Periodic | undefined;
  let delivering: Periodic | undefined;
  registerListeners(app, {
    runner,
    tasks,
    respondTo: createResponder(dispatcher),
    timeZones: new UserTimeZones({ client: app.client, now }),
    alerts: teamAlerts.alerts,
    alertChannels: { channels, directory, policy: config.alerts.policy, defaultChannel },
    audit,
    users,
    home,
    ...(config.llm ? { chooseIntent: createLlmIntent(config.llm, { dispatcher, logger }) } : {}),
    deliveries: new SqlProcessedEvents(db),
    logger,
    now,
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });

  return {
    async start() {
      // A deep accept queue: under a burst, a full default backlog drops connections and Slack's
      // requests would wait for TCP's retransmission (1 s, 3 s), past Slack's 3-second limit.
      const started = (await app.start({ port: config.port, backlog: 4096 })) as unknown;
      const address = (started as { address?: () => unknown }).address?.();
      const port = typeof address === 'object' && address && 'port' in address ? Number(address.port) : config.port;
      ready = true;
      sweeping = every(options.keptRequestSweepMs ?? 30_000, 'kept request sweep', async () => {
        const carried = await sweeper.sweep(deliverKept);
        if (carried > 0) logger.info({ carried }, 'carried out kept requests found by the sweep');
      }, logger);
      delivering = teamAlerts.startDelivery(options.alertDeliveryMs ?? 2_000);
      logger.info({ port, mode: config.slack.appToken ? 'socket' : 'http' }, 'bot is ready');
      return { port };
    },
    async stop(drainMs = 10_000) {
      ready = false;
      await sweeping?.stop();
      await delivering?.stop();
      await app.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack receiver failed'));
      const drained = await tasks.drain(drainMs);
      if (!drained) logger.warn({ pending: tasks.size }, 'stopped with work still in flight');
      await dispatcher.close().catch(() => {});
      await db.close();
      logger.info('bot stopped');
    },
  };
}
