/**
 * Use case: post the alerts that are due. One pass claims what is due, tries each once, and records
 * the outcome: posted (with its permalink), rescheduled (temporary failure), or failed (permanent,
 * or retried too long). The sender hears the final outcome through `settled`, and may hear that
 * posting is delayed through `retrying`. Run after each enqueue, and on a timer so alerts left by a
 * restart are picked up. Nothing here knows Slack: `post` does.
 */
import { DEFAULT_ALERT_RETRY, planRetry, type AlertFailureReason, type AlertOutbox, type AlertRetryPolicy, type DeliveryResult, type OutboxAlert } from './outbox.ts';

export type AlertOutcome = { ok: true; permalink: string } | { ok: false; reason: AlertFailureReason };

export interface DeliverAlertsDeps {
  outbox: AlertOutbox;
  post: (alert: OutboxAlert) => Promise<DeliveryResult>;
  /** Tells the sender how it ended. Its failures are reported, never retried: the alert is settled. */
  settled: (alert: OutboxAlert, outcome: AlertOutcome) => Promise<void>;
  /** Tells the sender posting is delayed, when it first is. */
  retrying?: (alert: OutboxAlert, retryAt: Date) => Promise<void>;
  now: () => Date;
  policy?: AlertRetryPolicy;
  random?: () => number;
  /** How many alerts one pass takes, and how long a claim holds before another worker may take it. */
  batchSize?: number;
  leaseMs?: number;
  onError?: (error: unknown, context: string) => void;
}

export interface PassSummary {
  posted: number;
  retrying: number;
  failed: number;
}

export class DeliverAlerts {
  private readonly deps: DeliverAlertsDeps;

  constructor(deps: DeliverAlertsDeps) {
    this.deps = deps;
  }

  async runOnce(): Promise<PassSummary> {
    const { outbox, now } = this.deps;
    const summary: PassSummary = { posted: 0, retrying: 0, failed: 0 };
    const due = await outbox.claimDue(now(), { limit: this.deps.batchSize ?? 20, leaseMs: this.deps.leaseMs ?? 60_000 });
    for (const alert of due) {
      const kind = await this.deliver(alert);
      summary[kind]++;
    }
    return summary;
  }

  private async deliver(alert: OutboxAlert): Promise<keyof PassSummary> {
    const { outbox, now } = this.deps;
    let result: DeliveryResult;
    try {
      result = await this.deps.post(alert);
    } catch (error) {
      // An unexpected throw is treated as temporary: the outbox exists so that nothing accepted is lost.
      this.report(error, 'posting an alert');
      result = { ok: false, retry: true };
    }
    if (result.ok) {
      await outbox.markPosted(alert.id, result.permalink);
      await this.tell(alert, { ok: true, permalink: result.permalink });
      return 'posted';
    }
    if (result.retry) {
      const plan = planRetry(alert, result.retryAfterMs, now(), this.deps.policy ?? DEFAULT_ALERT_RETRY, this.deps.random);
      if ('retryAt' in plan) {
        await outbox.reschedule(alert.id, plan.retryAt);
        if (alert.attempts === 1 && this.deps.retrying) await this.safely(() => this.deps.retrying!(alert, plan.retryAt), 'telling the sender of a delay');
        return 'retrying';
      }
    }
    const reason: AlertFailureReason = result.retry ? 'gave_up' : result.reason;
    await outbox.markFailed(alert.id, reason);
    await this.tell(alert, { ok: false, reason });
    return 'failed';
  }

  private tell(alert: OutboxAlert, outcome: AlertOutcome): Promise<void> {
    return this.safely(() => this.deps.settled(alert, outcome), 'telling the sender');
  }

  private async safely(step: () => Promise<void>, context: string): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.report(error, context);
    }
  }

  private report(error: unknown, context: string): void {
    this.deps.onError?.(error, context);
  }
}
