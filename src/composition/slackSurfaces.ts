/**
 * Part of the composition root: everything Slack shows or receives. The Bolt app (whose receiver
 * also serves the web routes), slash commands, mentions, buttons, the App Home, team alerts, and
 * scheduled digests, and the DMs that follow a connection.
 */
import type { CustomRoute } from '@slack/bolt';
import type { UserBudgets } from '../actions/budgets.ts';
import type { AlertRateLimit } from '../actions/alerts/rateLimit.ts';
import type { BackgroundTasks } from '../infrastructure/backgroundTasks.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Dispatcher } from 'undici';
import type { Logger } from '../infrastructure/logger.ts';
import { afterConnected, deliverKeptOutcome, tellKeptRequestDropped } from '../slack/afterConnected.ts';
import type { BotIdentity } from '../slack/botTokenCheck.ts';
import type { BotTokens } from '../slack/install/botTokens.ts';
import { createSlackApp } from '../slack/createSlackApp.ts';
import { HomeTab } from '../slack/home/homeTab.ts';
import { linkOpenedBySomeoneElse } from '../slack/linkOpenedBySomeoneElse.ts';
import { registerListeners } from '../slack/listeners/index.ts';
import { RequestRunner } from '../slack/requestRunner.ts';
import { createResponder } from '../slack/responseUrl.ts';
import { UserTimeZones } from '../slack/userTimeZones.ts';
import type { ConnectNotices } from './webRoutes.ts';
import type { WorkspaceRemoval } from '../slack/listeners/events/workspaceRemoved.ts';
import type { ConnectFlow } from './connectFlow.ts';
import type { Connections } from './connections.ts';
import { createLlmIntent, createPlanner } from './llm.ts';
import type { Storage } from './storage.ts';
import { createTeamAlerts } from './teamAlerts.ts';
import { DeliverDigests } from '../actions/digests/deliverDigests.ts';
import { ManageDigests } from '../actions/digests/manageDigests.ts';
import { SqlDigestSchedules } from '../infrastructure/storage/sqlDigestSchedules.ts';
import { slackDigestMessenger } from '../slack/digests/slackDigestMessenger.ts';
import { UNREAD_ACTION } from '../slack/presenters.ts';
import { isRepeatedDelivery } from '../slack/afterAck.ts';

export type SlackSurfaces = ReturnType<typeof createSlackSurfaces>;

export function createSlackSurfaces(
  config: Config,
  deps: {
    routes: CustomRoute[];
    identity: () => BotIdentity | undefined;
    /** Serving many workspaces: each one's installation and bot token. */
    tokens?: BotTokens | undefined;
    storage: Storage;
    connections: Connections;
    flow: ConnectFlow;
    budgets: UserBudgets;
    alertLimiter: AlertRateLimit;
    tasks: BackgroundTasks;
    dispatcher: Dispatcher;
    logger: Logger;
    now: () => Date;
    workspaceRemoval: WorkspaceRemoval;
    /** How long a request to the chat model may take (default 8 s). */
    upstreamTimeoutMs?: number;
  },
) {
  const { storage, flow, tasks, dispatcher, logger, now } = deps;
  const { users, audit, db } = storage;
  const { agentAuth, catalog, connections } = deps.connections;
  const { app, clients, clientsWith } = createSlackApp(config, { routes: deps.routes, logger, dispatcher, identity: deps.identity, tokens: deps.tokens });
  const teamAlerts = createTeamAlerts(config, { db, clients, clientsWith, users, audit, tasks, alertLimiter: deps.alertLimiter, logger, now });
  const { channels, directory } = teamAlerts;
  const defaultChannel = config.alerts.defaultChannel;
  const { requestAuthorization, resume } = flow;
  const timeZones = new UserTimeZones({ clients, now });
  const digestSchedules = new SqlDigestSchedules(db);
  const manageDigests = new ManageDigests({ schedules: digestSchedules, users, now });
  const digests = new DeliverDigests({
    schedules: digestSchedules,
    catalog,
    unreadAction: UNREAD_ACTION,
    requestAuthorization,
    messenger: slackDigestMessenger({ clients, now }),
    audit,
    now,
    timing: config.digests,
    onEvent: (schedule, outcome, err) =>
      logger[err ? 'warn' : 'info']({ user: schedule.user.userId, slot: schedule.slotAt, outcome, ...(err ? { err } : {}) }, 'digest'),
  });
  const home = new HomeTab({
    agentAuth, users, requestAuthorization, channels, defaultChannel, connections, clients, logger, now,
    digests: { manage: manageDigests, timeZones },
  });
  const connectionLabels = Object.fromEntries(connections.map((c) => [c.connection, c.label]));
  const listeners = registerListeners(app, {
    runner: new RequestRunner({ catalog, users, audit, requestAuthorization, budgets: deps.budgets, clients, logger, now }),
    tasks,
    respondTo: createResponder(dispatcher),
    timeZones,
    alerts: teamAlerts.alerts,
    alertChannels: { channels, directory, policy: config.alerts.policy, defaultChannel },
    audit,
    auditRetentionDays: config.auditRetentionDays,
    users,
    home,
    budgets: deps.budgets,
    ...(config.llm ? { chooseIntent: createLlmIntent(config.llm, { dispatcher, logger, timeoutMs: deps.upstreamTimeoutMs }) } : {}),
    ...(config.llm ? { planner: createPlanner(config.llm, config.agent, { catalog, unreadAction: UNREAD_ACTION, dispatcher }) } : {}),
    deliveries: storage.deliveries,
    digests: manageDigests,
    proposals: storage.proposals,
    threads: storage.threads,
    approvals: storage.approvals,
    edits: storage.edits,
    viewedChannels: storage.viewedChannels,
    inlineAnswerMs: config.slack.inlineAnswerMs,
    workspaceRemoval: deps.workspaceRemoval,
    logger,
    now,
  });
  // A chat model's plan that waited on a connection goes on in its thread once the user connects.
  const { continueConversation } = listeners;
  const notices: ConnectNotices = {
    connected: afterConnected({ clients, resume, tasks, logger, connectionLabels, refreshHome: (user) => home.publish(user), continueConversation }),
    openedBySomeoneElse: linkOpenedBySomeoneElse({ clients, tasks }),
  };
  app.error(async (error) => {
    // A replayed command or button press stopped after its ack (dedupeDeliveries.ts logged it).
    if (isRepeatedDelivery(error)) return;
    // Serving many workspaces, a request from one without an installation (uninstalled, or never
    // installed) cannot be authorized: Bolt acknowledges it and no listener runs.
    if ((error as { code?: string }).code === 'slack_bolt_authorization_error') {
      logger.warn({ reason: (error as { original?: { name?: string } }).original?.name }, 'a Slack request from a workspace the bot is not installed in was ignored');
      return;
    }
    logger.error({ err: error }, 'Slack listener failed');
  });
  return {
    app,
    clients,
    teamAlerts,
    digests,
    notices,
    deliverKept: deliverKeptOutcome({ clients, logger, continueConversation }),
    tellKeptDropped: tellKeptRequestDropped({ clients, logger }),
  };
}
