/**
 * Part of the composition root: builds team alerts (the outbox and channel settings in SQL, the
 * policy and rate limit from the settings, Slack clients just for posting alerts, each workspace's own) and the delivery
 * loop: a pass right after each accepted alert, and one every `intervalMs` for retries and for alerts
 * left by a restart.
 */
import { DeliverAlerts } from '../actions/alerts/deliverAlerts.ts';
import { RaiseAlert } from '../actions/alerts/raiseAlert.ts';
import type { AlertRateLimit } from '../actions/alerts/rateLimit.ts';
import type { AuditLog } from '../actions/audit.ts';
import type { UserDirectory } from '../actions/ports.ts';
import type { BackgroundTasks } from '../infrastructure/backgroundTasks.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { every, type Periodic } from '../infrastructure/periodic.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import { SqlAlertChannelSettings } from '../infrastructure/storage/sqlAlertChannelSettings.ts';
import { SqlAlertOutbox } from '../infrastructure/storage/sqlAlertOutbox.ts';
import { postAlert } from '../slack/alerts/postAlert.ts';
import { SlackDirectory } from '../slack/alerts/slackDirectory.ts';
import { TeamAlerts } from '../slack/alerts/teamAlerts.ts';
import type { SlackClients } from '../slack/slackClients.ts';
import type { WebClientOptions } from '@slack/web-api';

export interface TeamAlertsWiring {
  alerts: TeamAlerts;
  channels: SqlAlertChannelSettings;
  directory: SlackDirectory;
  /** Starts the periodic delivery pass; stop() ends it. */
  startDelivery(intervalMs: number): Periodic;
}

export function createTeamAlerts(
  config: Config,
  deps: {
    db: Database;
    /** Each workspace's client, from the Slack app: `postingClients` are made with `clientsWith`. */
    clients: SlackClients;
    clientsWith: (options: WebClientOptions) => SlackClients;
    users: UserDirectory;
    audit: AuditLog;
    tasks: BackgroundTasks;
    /** Each user's alert attempts (ALERT_RATE_BURST, ALERT_RATE_REFILL_SECONDS). */
    alertLimiter: AlertRateLimit;
    logger: Logger;
    now: () => Date;
  },
): TeamAlertsWiring {
  const { db, clients, logger, now, tasks } = deps;
  const channels = new SqlAlertChannelSettings(db);
  const outbox = new SqlAlertOutbox(db);
  const directory = new SlackDirectory({ clients, now });
  const raiseAlert = new RaiseAlert({
    outbox,
    channels,
    policy: config.alerts.policy,
    limiter: deps.alertLimiter,
    isInUserGroup: (group, userId, workspace) => directory.isInUserGroup(group, userId, workspace),
    channelIdForName: (workspace, name) => directory.channelIdForName(workspace, name),
    mayPostAs: (workspace, channelId, userId) => directory.mayPostAs(workspace, channelId, userId),
    defaultChannel: config.alerts.defaultChannel,
    now,
  });
  // No retries inside the client and 429s rejected at once: the outbox waits and retries instead,
  // so a rate-limited channel never holds the bot's shared client queue.
  const postingClients = deps.clientsWith({
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
  let alerts: TeamAlerts;
  const deliver = new DeliverAlerts({
    outbox,
    post: postAlert(postingClients),
    settled: (alert, outcome) => alerts.settled(alert, outcome),
    retrying: (alert, retryAt) => alerts.retrying(alert, retryAt),
    now,
    onError: (err, context) => logger.warn({ err, context }, 'alert delivery'),
  });
  const pass = async () => {
    const summary = await deliver.runOnce();
    if (summary.posted + summary.retrying + summary.failed > 0) logger.info(summary, 'alert delivery pass');
  };
  alerts = new TeamAlerts({
    raiseAlert,
    kick: () => tasks.run('alert delivery', pass),
    clients,
    users: deps.users,
    audit: deps.audit,
    logger,
    now,
  });
  return { alerts, channels, directory, startDelivery: (intervalMs) => every(intervalMs, 'alert delivery', pass, logger) };
}
