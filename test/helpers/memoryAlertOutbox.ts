/**
 * An in-memory AlertOutbox, AlertChannelSettings and rate limit for tests, and the reference for what the storage
 * layer's SQL implementation must do (test/helpers/alertOutboxContract.ts checks both alike).
 */
import type { NewAlert } from '../../src/actions/alerts/alert.ts';
import type { AlertChannelSettings, AlertFailureReason, AlertOutbox, OutboxAlert } from '../../src/actions/alerts/outbox.ts';
import { takeToken, type AlertRateLimit, type BucketState, type TakeDecision, type TokenBucketLimit } from '../../src/actions/alerts/rateLimit.ts';

export class MemoryAlertOutbox implements AlertOutbox {
  readonly alerts = new Map<string, OutboxAlert>();
  private counter = 0;

  async enqueue(alert: NewAlert): Promise<OutboxAlert> {
    const stored: OutboxAlert = { ...alert, id: `alert-${++this.counter}`, status: 'pending', attempts: 0, nextAttemptAt: alert.createdAt };
    this.alerts.set(stored.id, stored);
    return { ...stored };
  }

  async claimDue(now: Date, options: { limit?: number; leaseMs?: number } = {}): Promise<OutboxAlert[]> {
    const due = [...this.alerts.values()]
      .filter((alert) => alert.status === 'pending' && alert.nextAttemptAt.getTime() <= now.getTime())
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, options.limit ?? 20);
    for (const alert of due) {
      alert.attempts++;
      alert.nextAttemptAt = new Date(now.getTime() + (options.leaseMs ?? 60_000));
    }
    return due.map((alert) => ({ ...alert }));
  }

  async markPosted(id: string, permalink: string): Promise<void> {
    this.update(id, { status: 'posted', permalink });
  }

  async markFailed(id: string, reason: AlertFailureReason): Promise<void> {
    this.update(id, { status: 'failed', failure: reason });
  }

  async reschedule(id: string, at: Date): Promise<void> {
    this.update(id, { status: 'pending', nextAttemptAt: at });
  }

  private update(id: string, change: Partial<OutboxAlert>): void {
    const alert = this.alerts.get(id);
    if (!alert) throw new Error(`no alert ${id}`);
    Object.assign(alert, change);
  }
}

export class MemoryAlertChannels implements AlertChannelSettings {
  readonly channels = new Map<string, string>();

  async channelFor(teamId: string): Promise<string | undefined> {
    return this.channels.get(teamId);
  }

  async setChannel(teamId: string, channelId: string): Promise<void> {
    this.channels.set(teamId, channelId);
  }
}

/** Buckets in a Map, for use-case tests that need a limiter but no database (the bot's is SqlRateLimiter). */
export class MemoryRateLimit implements AlertRateLimit {
  private readonly buckets = new Map<string, BucketState>();
  private readonly limit: TokenBucketLimit;
  private readonly clock: () => number;

  constructor(limit: TokenBucketLimit, clock: () => number) {
    this.limit = limit;
    this.clock = clock;
  }

  take(key: string): TakeDecision {
    const result = takeToken(this.buckets.get(key), this.limit, this.clock());
    this.buckets.set(key, result.state);
    return { allowed: result.allowed, retryAfterMs: result.retryAfterMs };
  }
}
