/**
 * Team alerts in Slack: raising one for a user (the RaiseAlert use case, recorded in the audit log,
 * refusals answered privately), kicking delivery at once, and telling the sender in their DM how
 * delivery ended (posted with a link, delayed, or failed with what to do, e.g. `/invite @bot`).
 */
import type { AlertRequest } from '../../actions/alerts/alert.ts';
import type { AlertOutcome } from '../../actions/alerts/deliverAlerts.ts';
import type { OutboxAlert } from '../../actions/alerts/outbox.ts';
import { RAISE_ALERT_ACTION, type RaiseAlert } from '../../actions/alerts/raiseAlert.ts';
import type { AuditLog } from '../../actions/audit.ts';
import type { UserDirectory } from '../../actions/ports.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { buildAlertDelayed, buildAlertFailed, buildAlertPosted } from '../blocks/alertConfirmation.ts';
import { dmReply, type Reply } from '../replies.ts';
import type { SlackClients } from '../slackClients.ts';

export interface TeamAlertsDeps {
  raiseAlert: RaiseAlert;
  /** Starts a delivery pass now (the periodic pass picks up whatever this misses). */
  kick: () => void;
  clients: SlackClients;
  users: UserDirectory;
  audit: AuditLog;
  logger: Logger;
  now: () => Date;
}

export class TeamAlerts {
  private readonly deps: TeamAlertsDeps;
  /** Per workspace (each installation has its own bot user). */
  private readonly botNames = new Map<string, Promise<string>>();

  constructor(deps: TeamAlertsDeps) {
    this.deps = deps;
  }

  async raise(user: SlackUser, request: Partial<AlertRequest>, reply: Reply): Promise<void> {
    const outcome = await this.deps.raiseAlert.run(user, request);
    await this.record(user, outcome.ok);
    if (!outcome.ok) {
      this.deps.logger.info({ user: user.userId, reason: outcome.reason }, 'alert refused');
      await reply.send(
        buildAlertFailed({
          reason: outcome.reason,
          channelName: outcome.reason === 'unknown_channel' ? outcome.name : undefined,
          retryAfterMs: outcome.reason === 'rate_limited' ? outcome.retryAfterMs : undefined,
          botName: await this.name(user),
        }),
      );
      return;
    }
    this.deps.logger.info({ user: user.userId, alert: outcome.alert.id }, 'alert accepted');
    const where = `<#${outcome.alert.channelId}>`;
    await reply.send({ text: `:outbox_tray: Sending your alert to ${where}; I'll send you the link in a DM once it's posted.` });
    this.deps.kick();
  }

  /** DeliverAlerts' `settled`: the sender hears how it ended. */
  readonly settled = async (alert: OutboxAlert, outcome: AlertOutcome): Promise<void> => {
    const dm = dmReply(await this.deps.clients.forWorkspace(alert.raisedBy), alert.raisedBy.userId);
    if (outcome.ok) await dm.send(buildAlertPosted({ channelId: alert.channelId, permalink: outcome.permalink }));
    else await dm.send(buildAlertFailed({ reason: outcome.reason, channelId: alert.channelId, botName: await this.name(alert.raisedBy) }));
  };

  /** DeliverAlerts' `retrying`: posting is delayed; the alert is kept. */
  readonly retrying = async (alert: OutboxAlert, retryAt: Date): Promise<void> => {
    await dmReply(await this.deps.clients.forWorkspace(alert.raisedBy), alert.raisedBy.userId).send(buildAlertDelayed({ channelId: alert.channelId, retryAt }));
  };

  /** Refusals count too (outcome failed): the log says an alert was attempted, never its text. */
  private async record(user: SlackUser, accepted: boolean): Promise<void> {
    try {
      const identifier = await this.deps.users.identifierFor(user);
      await this.deps.audit.record({
        identifier,
        slackUserId: user.userId,
        teamId: user.teamId,
        action: RAISE_ALERT_ACTION,
        connection: undefined,
        at: this.deps.now(),
        outcome: accepted ? 'ok' : 'failed',
        ...(accepted ? {} : { errorCode: 'BAD_INPUT' as const }),
      });
    } catch (err) {
      this.deps.logger.warn({ err }, 'recording an alert in the audit log failed');
    }
  }

  /** The bot's user name, for "/invite @name"; asked of Slack once. */
  private name(workspace: SlackUser): Promise<string> {
    const key = workspace.enterpriseId ?? workspace.teamId;
    let name = this.botNames.get(key);
    if (!name) {
      name = this.deps.clients.forWorkspace(workspace).then((client) => client.auth.test()).then(
        (answer) => answer.user ?? 'me',
        () => {
          this.botNames.delete(key);
          return 'me';
        },
      );
      this.botNames.set(key, name);
    }
    return name;
  }
}
