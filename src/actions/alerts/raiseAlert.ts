/**
 * Use case: someone raises a team alert. Checks who may (and who may notify the whole channel),
 * rate-limits each attempt per user, picks the channel (the one named, else the workspace's team channel, else
 * the configured default), and stores the alert in the outbox. Posting is DeliverAlerts' job: an
 * accepted alert is durable before anything is sent.
 */
import type { SlackUser } from '../../core/slackUser.ts';
import { budgetKeyOf } from '../budgets.ts';
import { alertRequestSchema, channelRef, type NewAlert } from './alert.ts';
import type { AlertOutbox, AlertChannelSettings, OutboxAlert } from './outbox.ts';
import { checkAlertPermission, type AlertPolicy } from './policy.ts';
import type { AlertRateLimit } from './rateLimit.ts';

/** The name the audit log and kept requests use for raising an alert. */
export const RAISE_ALERT_ACTION = 'alert.raise';

export type AlertRefusal =
  | { reason: 'invalid' }
  | { reason: 'not_allowed' }
  | { reason: 'mention_not_allowed' }
  | { reason: 'rate_limited'; retryAfterMs: number }
  | { reason: 'no_channel' }
  | { reason: 'unknown_channel'; name: string };

export type RaiseOutcome = { ok: true; alert: OutboxAlert } | ({ ok: false } & AlertRefusal);

export interface RaiseAlertDeps {
  outbox: AlertOutbox;
  channels: AlertChannelSettings;
  policy: AlertPolicy;
  limiter: AlertRateLimit;
  /** As the policy's IsInUserGroup, asked in the sender's workspace. */
  isInUserGroup: (groupId: string, userId: string, workspace: SlackUser) => Promise<boolean>;
  /** A channel name to its id in that workspace, or undefined when there is none. */
  channelIdForName: (workspace: SlackUser, name: string) => Promise<string | undefined>;
  /**
   * May the sender have an alert posted in a channel they named? (A private channel only for its
   * members.) The team channel, configured by an admin, is open to everyone allowed to raise alerts.
   */
  mayPostAs: (workspace: SlackUser, channelId: string, userId: string) => Promise<boolean>;
  /** TEAM_ALERT_CHANNEL: an id or a name. */
  defaultChannel: string | undefined;
  now: () => Date;
}

export class RaiseAlert {
  private readonly deps: RaiseAlertDeps;

  constructor(deps: RaiseAlertDeps) {
    this.deps = deps;
  }

  async run(user: SlackUser, request: unknown): Promise<RaiseOutcome> {
    const parsed = alertRequestSchema.safeParse(request);
    if (!parsed.success) return { ok: false, reason: 'invalid' };
    const { channel, severity, text } = parsed.data;
    const mentionChannel = parsed.data.mentionChannel === true;

    const permission = await checkAlertPermission(this.deps.policy, user.userId, mentionChannel, (group, id) => this.deps.isInUserGroup(group, id, user));
    if (!permission.ok) return { ok: false, reason: permission.reason };

    // Counted before the channel is looked up: an unknown name costs a walk through Slack's channel
    // list, so misdirected attempts spend the sender's allowance too.
    const limited = await this.deps.limiter.take(budgetKeyOf(user));
    if (!limited.allowed) return { ok: false, reason: 'rate_limited', retryAfterMs: limited.retryAfterMs };

    const target = await this.channelFor(user, channel);
    if (!target.ok) return target;
    if (channel !== undefined && !(await this.senderMayUse(user, target.channelId))) {
      // The same answer as for a channel that does not exist: a refusal must not tell which private channels do.
      const ref = channelRef(channel);
      return { ok: false, reason: 'unknown_channel', name: ref?.kind === 'name' ? ref.name : target.channelId };
    }

    const alert: NewAlert = { raisedBy: user, channelId: target.channelId, severity, text, mentionChannel, createdAt: this.deps.now() };
    return { ok: true, alert: await this.deps.outbox.enqueue(alert) };
  }

  private async senderMayUse(user: SlackUser, channelId: string): Promise<boolean> {
    if (await this.deps.mayPostAs(user, channelId, user.userId)) return true;
    const team = await this.channelFor(user, undefined);
    return team.ok && team.channelId === channelId;
  }

  private async channelFor(user: SlackUser, named: string | undefined): Promise<{ ok: true; channelId: string } | ({ ok: false } & AlertRefusal)> {
    const configured = named ?? (await this.deps.channels.channelFor(user.teamId)) ?? this.deps.defaultChannel;
    const ref = configured === undefined ? undefined : channelRef(configured);
    if (!ref) return { ok: false, reason: 'no_channel' };
    if (ref.kind === 'id') return { ok: true, channelId: ref.id };
    const id = await this.deps.channelIdForName(user, ref.name);
    return id ? { ok: true, channelId: id } : { ok: false, reason: 'unknown_channel', name: ref.name };
  }
}
