/**
 * Durable delivery of team alerts: an accepted alert is stored first (the outbox), then posted, and
 * retried on Slack's temporary failures until it is posted or given up on, across restarts too.
 * This file holds the storage interfaces and the pure retry plan; DeliverAlerts runs the loop, the
 * storage layer implements the interfaces, and the Slack layer posts and classifies Slack's errors.
 */
import type { NewAlert } from './alert.ts';

export type OutboxStatus = 'pending' | 'posted' | 'failed';

/** Why an alert was not posted; the Slack layer turns each into one sentence for the sender. */
export type AlertFailureReason = 'not_in_channel' | 'channel_not_found' | 'is_archived' | 'refused' | 'gave_up';

export interface OutboxAlert extends NewAlert {
  id: string;
  status: OutboxStatus;
  /** Attempts started so far (claimDue counts them). */
  attempts: number;
  nextAttemptAt: Date;
  permalink?: string | undefined;
  failure?: AlertFailureReason | undefined;
}

export interface AlertOutbox {
  /** Stores the alert as pending and due now. Nothing is posted before this has returned. */
  enqueue(alert: NewAlert): Promise<OutboxAlert>;
  /**
   * Atomically takes pending alerts due at `now` (oldest first, at most `limit`), counts an attempt
   * and leases each until `now + leaseMs` by moving its nextAttemptAt, so another worker does not
   * take it meanwhile. An alert whose worker died is taken again when its lease runs out: delivery
   * is at least once, and a crash between posting and markPosted can post twice.
   */
  claimDue(now: Date, options?: { limit?: number; leaseMs?: number }): Promise<OutboxAlert[]>;
  markPosted(id: string, permalink: string): Promise<void>;
  markFailed(id: string, reason: AlertFailureReason): Promise<void>;
  /** Back to pending, due at `at`. */
  reschedule(id: string, at: Date): Promise<void>;
}

/** The workspace's team-alert channel, set with /alert-channel; TEAM_ALERT_CHANNEL is the default. */
export interface AlertChannelSettings {
  channelFor(teamId: string): Promise<string | undefined>;
  setChannel(teamId: string, channelId: string, setBy: string, now: Date): Promise<void>;
}

/** What one attempt to post came to; the Slack layer maps Slack's answers onto it. */
export type DeliveryResult =
  | { ok: true; permalink: string }
  | { ok: false; retry: true; retryAfterMs?: number | undefined }
  | { ok: false; retry: false; reason: Exclude<AlertFailureReason, 'gave_up'> };

export interface AlertRetryPolicy {
  /** The first retry waits about this long; each later one about twice as long. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An alert not posted this long after it was raised is given up on: it would be news no more. */
  giveUpAfterMs: number;
  maxAttempts: number;
}

export const DEFAULT_ALERT_RETRY: AlertRetryPolicy = {
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  giveUpAfterMs: 6 * 60 * 60_000,
  maxAttempts: 40,
};

/**
 * When to try again after a temporary failure, or to give up. Slack's Retry-After is honoured as
 * asked (the alert waits in storage, nothing is held open); otherwise exponential backoff with
 * "equal jitter" (half fixed, half random) so retries after an outage do not all land at once.
 */
export function planRetry(
  alert: Pick<OutboxAlert, 'attempts' | 'createdAt'>,
  retryAfterMs: number | undefined,
  now: Date,
  policy: AlertRetryPolicy = DEFAULT_ALERT_RETRY,
  random: () => number = Math.random,
): { retryAt: Date } | { giveUp: true } {
  if (alert.attempts >= policy.maxAttempts) return { giveUp: true };
  const exponent = Math.max(0, alert.attempts - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 30));
  const backoff = ceiling / 2 + random() * (ceiling / 2);
  const wait = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : backoff;
  const retryAt = new Date(now.getTime() + Math.ceil(wait));
  if (retryAt.getTime() - alert.createdAt.getTime() > policy.giveUpAfterMs) return { giveUp: true };
  return { retryAt };
}
