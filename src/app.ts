/**
 * The composition root: each part of the bot builds itself from the settings and the parts it
 * needs (src/composition/); here they are put in order. No logic of its own.
 */
import { backgroundWork, type BackgroundIntervals } from './composition/backgroundWork.ts';
import { createBudgets } from './composition/budgets.ts';
import { createConnectFlow } from './composition/connectFlow.ts';
import { createConnections } from './composition/connections.ts';
import { BotState, lifecycle, type Bot } from './composition/lifecycle.ts';
import { createSlackInstall } from './composition/slackInstall.ts';
import { createSlackSurfaces, type SlackSurfaces } from './composition/slackSurfaces.ts';
import { openStorage } from './composition/storage.ts';
import { createWebRoutes } from './composition/webRoutes.ts';
import { createWorkspaceRemoval } from './composition/workspaceRemoval.ts';
import { BackgroundTasks } from './infrastructure/backgroundTasks.ts';
import { knownSecrets, type Config } from './infrastructure/config.ts';
import { createUpstreamDispatcher } from './infrastructure/http/dispatcher.ts';
import { createLogger, type Logger } from './infrastructure/logger.ts';

export type { Bot } from './composition/lifecycle.ts';

export interface BotOptions extends BackgroundIntervals {
  logger?: Logger;
  now?: () => Date;
  /** Waits between start-up checks of a service that does not answer (default 1, 2, 4, 8, 15 s). */
  startupRetryDelaysMs?: number[];
  /**
   * How long one request to Gmail, Calendar, Scalekit or the chat model may take before it counts
   * as hanging (default 5 s for Gmail and Calendar, 8 s for Scalekit and the chat model).
   */
  upstreamTimeoutMs?: number;
  /** Scales the Scalekit SDK's waits between retries of an unavailable service (tests only; see createAgentAuth). */
  scalekitBackoffScale?: number;
}

export async function createBot(config: Config, options: BotOptions = {}): Promise<Bot> {
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, knownSecrets: knownSecrets(config), maxQueuedBytes: config.logBufferBytes });
  const now = options.now ?? (() => new Date());
  const state = new BotState();

  const storage = await openStorage(config, logger);
  const dispatcher = createUpstreamDispatcher();
  const tasks = new BackgroundTasks(logger, config.background);
  const { budgets, alertLimiter } = createBudgets(config, { db: storage.db, now });
  const { upstreamTimeoutMs, scalekitBackoffScale } = options;
  const connections = await createConnections(config, { db: storage.db, dispatcher, logger, now, upstreamTimeoutMs, scalekitBackoffScale });
  const flow = createConnectFlow(config, { storage, connections, budgets, dispatcher, logger, now });

  // Serving many workspaces (none in single-workspace mode): the uninstall forgets installations too.
  const install = createSlackInstall(config, { db: storage.db, logger, now });
  const workspaceRemoval = createWorkspaceRemoval({ db: storage.db, connections, installations: install?.forRemoval, users: storage.users, logger, now });

  let slack: SlackSurfaces | undefined;
  const routes = [
    ...createWebRoutes(config, { flow, storage, logger, isReady: () => state.ready, notices: () => slack!.notices }),
    ...(install?.routes ?? []),
  ];
  slack = createSlackSurfaces(config, {
    routes, tokens: install?.tokens, identity: () => state.identity, storage, connections, flow, budgets, alertLimiter, tasks, dispatcher, logger, now,
    workspaceRemoval, upstreamTimeoutMs,
  });

  const { auditRetentionDays } = config;
  const background = backgroundWork(options, {
    flow, slack, agentAuth: connections.agentAuth, db: storage.db, auditRetentionDays, workspaceRemoval, logger, now,
  });
  const { app } = slack;
  return lifecycle(config, { state, app, background, tasks, dispatcher, db: storage.db, logger, startupRetryDelaysMs: options.startupRetryDelaysMs });
}
