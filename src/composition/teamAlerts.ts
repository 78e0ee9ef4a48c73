/**
 * Part of the composition root: builds team alerts (the outbox and channel settings in SQL, the
 * policy and rate limit from the settings, a Slack client just for posting alerts) and the delivery
 * loop: a pass right after each accepted alert, and one every `intervalMs` for retries and for alerts
 * left by a restart.
 */
import { WebClient } from '@slack/web-api';
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
    client: WebClient;
    users: UserDirectory;
    audit: AuditLog;
    tasks: BackgroundTasks;
    /** Each user's alert attempts (ALERT_RATE_BURST, ALERT_RATE_REFILL_SECONDS). */
    alertLimiter: AlertRateLimit;
    logger: Logger;
    now: () => Date;
  },
): TeamAlertsWiring {
  const { db, client, logger, now, tasks } = deps;
  const channels = new SqlAlertChannelSettings(db);
  const outbox = new SqlAlertOutbox(db);
  const directory = new SlackDirectory({ client, now });
  const raiseAlert = new RaiseAlert({
    outbox,
    channels,
    policy: config.alerts.policy,
    limiter: deps.alertLimiter,
    isInUserGroup: (group, user) => directory.isInUserGroup(group, user),
    channelIdForName: (teamId, name) => directory.channelIdForName(teamId, name),
    mayPostAs: (teamId, channelId, userId) => directory.mayPostAs(teamId, channelId, userId),
    defaultChannel: config.alerts.defaultChannel,
    now,
  });
  // No retries inside the client and 429s rejected at once: the outbox waits and retries instead,
  // so a rate-limited channel never holds the bot's shared client queue.
  const postingClient = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
  let alerts: TeamAlerts;
  const deliver = new DeliverAlerts({
    outbox,
    post: postAlert(postingClient),
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
    client,
    users: deps.users,
    audit: deps.audit,
    logger,
    now,
  });
  return { alerts, channels, directory, startDelivery: (intervalMs) => every(intervalMs, 'alert delivery', pass, logger) };
}
