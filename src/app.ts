/**
 * The composition root: builds every collaborator from the settings and wires them together.
 * It holds no logic of its own.
 */
import { LocalAgentAuth } from './agentAuth/local/localAgentAuth.ts';
import { BrowserAuthorization } from './actions/browserAuthorization.ts';
import { RequestAuthorization } from './actions/requestAuthorization.ts';
import { ResumeKeptRequests } from './actions/resumeKeptRequests.ts';
import { createBudgets } from './composition/budgets.ts';
import { createConnections } from './composition/connections.ts';
import { createLlmIntent } from './composition/llm.ts';
import { checkSettingsWithServices, logUrlsToConfigure } from './composition/startup.ts';
import { createTeamAlerts } from './composition/teamAlerts.ts';
import { KeptRequestSweeper } from './actions/keptRequestSweeper.ts';
import { BackgroundTasks } from './infrastructure/backgroundTasks.ts';
import { every, type Periodic } from './infrastructure/periodic.ts';
import { knownSecrets, type Config } from './infrastructure/config.ts';
import { createUpstreamDispatcher } from './infrastructure/http/dispatcher.ts';
import { createLogger, type Logger } from './infrastructure/logger.ts';
import { openDatabase } from './infrastructure/storage/openDatabase.ts';
import { migrate } from './infrastructure/storage/migrations.ts';
import { SqlAuditLog } from './infrastructure/storage/sqlAuditLog.ts';
import { SqlAuthLinkStore } from './infrastructure/storage/sqlAuthLinkStore.ts';
import { SqlAuthSessionStore } from './infrastructure/storage/sqlAuthSessionStore.ts';
import { SqlKeptRequestStore } from './infrastructure/storage/sqlKeptRequestStore.ts';
import { SqlProcessedEvents } from './infrastructure/storage/sqlProcessedEvents.ts';
import { SqlAlertProposals } from './infrastructure/storage/sqlAlertProposals.ts';
import { SqlUserDirectory } from './infrastructure/storage/sqlUserDirectory.ts';
import { SqlThreadStates } from './infrastructure/storage/sqlThreadStates.ts';
import { SqlStepApprovals } from './infrastructure/storage/sqlStepApprovals.ts';
import { afterConnected, deliverKeptOutcome } from './slack/afterConnected.ts';
import { appTokenRefusal, type BotIdentity } from './slack/botTokenCheck.ts';
import { createSlackApp } from './slack/createSlackApp.ts';
import { registerListeners } from './slack/listeners/index.ts';
import { createResponder } from './slack/responseUrl.ts';
import { HomeTab } from './slack/home/homeTab.ts';
import { RequestRunner } from './slack/requestRunner.ts';
import { UserTimeZones } from './slack/userTimeZones.ts';
import { CALLBACK_PATH, SLACK_SIGN_IN_CALLBACK_PATH, webRoutes } from './web/routes.ts';
import { SlackSignIn } from './connectors/slack/slackSignIn.ts';
import { linkOpenedBySomeoneElse } from './slack/linkOpenedBySomeoneElse.ts';

export interface BotOptions {
  logger?: Logger;
  now?: () => Date;
  /** How often to look for kept requests whose account has become usable (default 30 s). */
  keptRequestSweepMs?: number;
  /** How often to post due team alerts (default 2 s; each accepted alert also starts a pass at once). */
  alertDeliveryMs?: number;
  /** How often to try again to revoke replaced grants the provider could not be reached for (default 5 min). */
  revocationRetryMs?: number;
  /** Waits between start-up checks of a service that does not answer (default 1, 2, 4, 8, 15 s). */
  startupRetryDelaysMs?: number[];
}

export interface Bot {
  /**
   * Starts serving, checks the settings only Slack and Scalekit can judge (waiting while they do
   * not answer), then resolves with the HTTP port the bot's routes listen on. Rejects with
   * SettingRefusedError when a service refuses a setting.
   */
  start(): Promise<{ port: number }>;
  /**
   * Stops taking requests, lets the work in flight finish (up to `drainMs`), then closes;
   * `onStep` hears what it is waiting for at each point, for a shutdown deadline to report.
   */
  stop(drainMs?: number, onStep?: (waitingFor: string) => void): Promise<void>;
}

export async function createBot(config: Config, options: BotOptions = {}): Promise<Bot> {
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, knownSecrets: knownSecrets(config), maxQueuedBytes: config.logBufferBytes });
  const now = options.now ?? (() => new Date());

  const db = await openDatabase(config.databaseUrl, { notice: (message) => logger.warn(message) });
  await migrate(db);
  const dispatcher = createUpstreamDispatcher();
  const tasks = new BackgroundTasks(logger, config.background);
  const { budgets, alertLimiter } = createBudgets(config, { db, now });

  const { agentAuth, catalog, connections } = await createConnections(config, { db, dispatcher, logger, now });

  const links = new SqlAuthLinkStore(db);
  const keptRequests = new SqlKeptRequestStore(db);
  const browserAuthorization = new BrowserAuthorization({
    agentAuth,
    links,
    sessions: new SqlAuthSessionStore(db),
    slackSignIn: new SlackSignIn(
      {
        authorizeUrl: config.slack.oidcAuthorizeUrl,
        apiUrl: config.slack.apiUrl,
        clientId: config.slack.clientId,
        clientSecret: config.slack.clientSecret,
      },
      { dispatcher },
    ),
    returnUrl: `${config.publicUrl}${CALLBACK_PATH}`,
    signInReturnUrl: `${config.publicUrl}${SLACK_SIGN_IN_CALLBACK_PATH}`,
    now,
  });

  let ready = false;
  let identity: BotIdentity | undefined;
  const starting = new AbortController();
  const routes = webRoutes({
    browserAuthorization,
    onConnected: (completed) => onConnected(completed),
    onOpenedBySomeoneElse: (owner, opener) => warnOwner(owner, opener),
    isReady: () => ready,
    pingDatabase: () => db.query('SELECT 1'),
    secureCookies: config.publicUrl.startsWith('https:'),
    logger,
  });
  const { app, client } = createSlackApp(config, { routes, logger, dispatcher, identity: () => identity });
  const users = new SqlUserDirectory(db);
  const audit = new SqlAuditLog(db);
  const teamAlerts = createTeamAlerts(config, { db, client, users, audit, tasks, alertLimiter, logger, now });

  const requestAuthorization = new RequestAuthorization({ agentAuth, links, keptRequests, publicUrl: config.publicUrl, now, budgets });
  const runner = new RequestRunner({ catalog, users, audit, requestAuthorization, budgets, client, logger, now });
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
  const home = new HomeTab({ agentAuth, users, requestAuthorization, channels, defaultChannel, connections, client, logger, now });
  const onConnected = afterConnected({ client, resume, tasks, logger, connectionLabels, refreshHome: (user) => home.publish(user) });
  const warnOwner = linkOpenedBySomeoneElse({ client, tasks });
  const sweeper = new KeptRequestSweeper({ keptRequests, agentAuth, resume, now });
  const deliverKept = deliverKeptOutcome({ client, logger });
  let sweeping: Periodic | undefined;
  let delivering: Periodic | undefined;
  let revoking: Periodic | undefined;
  registerListeners(app, {
    runner,
    tasks,
    respondTo: createResponder(dispatcher),
    timeZones: new UserTimeZones({ client, now }),
    alerts: teamAlerts.alerts,
    alertChannels: { channels, directory, policy: config.alerts.policy, defaultChannel },
    audit,
    users,
    home,
    budgets,
    ...(config.llm ? { chooseIntent: createLlmIntent(config.llm, { dispatcher, logger }) } : {}),
    deliveries: new SqlProcessedEvents(db),
    proposals: new SqlAlertProposals(db),
    threads: new SqlThreadStates(db),
    approvals: new SqlStepApprovals(db),
    inlineAnswerMs: config.slack.inlineAnswerMs,
    logger,
    now,
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
  });

  const delays = options.startupRetryDelaysMs ? { delaysMs: options.startupRetryDelaysMs } : {};
  const listen = async () => {
    // A deep accept queue: under a burst, a full default backlog drops connections and Slack's
    // requests would wait for TCP's retransmission (1 s, 3 s), past Slack's 3-second limit.
    const started = (await app.start({ port: config.port, backlog: 4096 }).catch((err: unknown) => {
      throw appTokenRefusal(err) ?? err;
    })) as unknown;
    const address = (started as { address?: () => unknown }).address?.();
    return typeof address === 'object' && address && 'port' in address ? Number(address.port) : config.port;
  };

  return {
    async start() {
      const checks = () => checkSettingsWithServices(config, { dispatcher, logger, signal: starting.signal, ...delays });
      // Socket Mode's start needs Slack; in HTTP mode /readyz answers "not ready" while the checks wait.
      const socketMode = Boolean(config.slack.appToken);
      if (socketMode) identity = await checks();
      const port = await listen();
      logUrlsToConfigure(config, logger);
      if (!socketMode) identity = await checks().catch(async (err: unknown) => {
        await app.stop().catch(() => {});
        throw err;
      });
      ready = true;
      sweeping = every(options.keptRequestSweepMs ?? 30_000, 'kept request sweep', async () => {
        const carried = await sweeper.sweep(deliverKept);
        if (carried > 0) logger.info({ carried }, 'carried out kept requests found by the sweep');
      }, logger);
      delivering = teamAlerts.startDelivery(options.alertDeliveryMs ?? 2_000);
      if (agentAuth instanceof LocalAgentAuth) {
        const local = agentAuth;
        revoking = every(options.revocationRetryMs ?? 5 * 60_000, 'revocation retry', async () => {
          const revoked = await local.retryRevocations();
          if (revoked > 0) logger.info({ revoked }, 'revoked replaced grants that were waiting');
        }, logger);
      }
      logger.info({ port, mode: config.slack.appToken ? 'socket' : 'http' }, 'bot is ready');
      return { port };
    },
    async stop(drainMs = 10_000, onStep = () => {}) {
      ready = false;
      onStep('the periodic sweeps to stop');
      starting.abort(new Error('the bot is stopping'));
      await sweeping?.stop();
      await delivering?.stop();
      await revoking?.stop();
      onStep('the Slack receiver to close (requests still being received)');
      await app.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the Slack receiver failed'));
      onStep('the work in flight to finish');
      const drained = await tasks.drain(drainMs);
      if (!drained) logger.warn({ pending: tasks.size }, 'stopped with work still in flight');
      onStep('the upstream HTTP connections to close');
      await dispatcher.close().catch(() => {});
      onStep('the database to close');
      await db.close();
      logger.info('bot stopped');
    },
  };
}
