import { beforeEach, describe, expect, it } from 'vitest';
import { DeliverAlerts, type AlertOutcome } from '../../../../src/actions/alerts/deliverAlerts.ts';
import { planRetry, type DeliveryResult, type OutboxAlert } from '../../../../src/actions/alerts/outbox.ts';
import { sampleAlert } from '../../../helpers/alertOutboxContract.ts';
import { MemoryAlertOutbox } from '../../../helpers/memoryAlertOutbox.ts';

const T0 = new Date('2026-03-27T09:00:00Z');
const POLICY = { baseDelayMs: 1_000, maxDelayMs: 60_000, giveUpAfterMs: 3_600_000, maxAttempts: 5 };

describe('planRetry', () => {
  it('honours Retry-After as asked', () => {
    expect(planRetry({ attempts: 1, createdAt: T0 }, 30_000, T0, POLICY, () => 0)).toEqual({ retryAt: new Date(T0.getTime() + 30_000) });
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const waits = [1, 2, 3, 4].map((attempts) => {
      const plan = planRetry({ attempts, createdAt: T0 }, undefined, T0, { ...POLICY, maxDelayMs: 4_000 }, () => 0);
      return 'retryAt' in plan ? plan.retryAt.getTime() - T0.getTime() : -1;
    });
    expect(waits).toEqual([500, 1_000, 2_000, 2_000]);
  });

  it('gives up after too many attempts or too long', () => {
    expect(planRetry({ attempts: 5, createdAt: T0 }, undefined, T0, POLICY)).toEqual({ giveUp: true });
    const late = new Date(T0.getTime() + 3_600_000);
    expect(planRetry({ attempts: 1, createdAt: T0 }, 1_000, late, POLICY)).toEqual({ giveUp: true });
  });
});

describe('DeliverAlerts', () => {
  let outbox: MemoryAlertOutbox;
  let now: Date;
  let answers: DeliveryResult[];
  let told: Array<[string, AlertOutcome]>;
  let delays: string[];
  let errors: string[];
  let deliver: DeliverAlerts;

  beforeEach(() => {
    outbox = new MemoryAlertOutbox();
    now = T0;
    answers = [];
    told = [];
    delays = [];
    errors = [];
    deliver = new DeliverAlerts({
      outbox,
      post: async () => answers.shift() ?? { ok: false, retry: true },
      settled: async (alert, outcome) => void told.push([alert.id, outcome]),
      retrying: async (alert) => void delays.push(alert.id),
      now: () => now,
      policy: POLICY,
      random: () => 0,
      onError: (_error, context) => void errors.push(context),
    });
  });

  const stored = (id: string): OutboxAlert => outbox.alerts.get(id)!;

  it('posts a due alert, records the permalink and tells the sender', async () => {
    const alert = await outbox.enqueue(sampleAlert());
    answers.push({ ok: true, permalink: 'https://x.slack.com/archives/C0ALERTS/p1' });
    expect(await deliver.runOnce()).toEqual({ posted: 1, retrying: 0, failed: 0 });
    expect(stored(alert.id)).toMatchObject({ status: 'posted', permalink: 'https://x.slack.com/archives/C0ALERTS/p1' });
    expect(told).toEqual([[alert.id, { ok: true, permalink: 'https://x.slack.com/archives/C0ALERTS/p1' }]]);
  });

  it('keeps retrying a temporary failure, telling the sender once of the delay, until it is posted', async () => {
    const alert = await outbox.enqueue(sampleAlert());
    answers.push({ ok: false, retry: true, retryAfterMs: 5_000 }, { ok: false, retry: true });
    await deliver.runOnce();
    expect(stored(alert.id)).toMatchObject({ status: 'pending', nextAttemptAt: new Date(T0.getTime() + 5_000) });
    now = new Date(T0.getTime() + 4_000);
    expect(await deliver.runOnce()).toEqual({ posted: 0, retrying: 0, failed: 0 }); // not due yet
    now = new Date(T0.getTime() + 5_000);
    await deliver.runOnce();
    now = new Date(T0.getTime() + 60_000);
    answers.push({ ok: true, permalink: 'https://x.slack.com/p' });
    await deliver.runOnce();
    expect(stored(alert.id)).toMatchObject({ status: 'posted', attempts: 3 });
    expect(delays).toEqual([alert.id]);
    expect(told).toHaveLength(1);
  });

  it('fails at once on a permanent refusal, and after the last attempt on temporary ones', async () => {
    const lost = await outbox.enqueue(sampleAlert());
    answers.push({ ok: false, retry: false, reason: 'not_in_channel' });
    await deliver.runOnce();
    expect(told).toEqual([[lost.id, { ok: false, reason: 'not_in_channel' }]]);

    const flaky = await outbox.enqueue(sampleAlert());
    for (let i = 0; i < 5; i++) {
      now = new Date(now.getTime() + 10 * 60_000);
      await deliver.runOnce();
    }
    expect(stored(flaky.id)).toMatchObject({ status: 'failed', failure: 'gave_up', attempts: 5 });
  });

  it('treats a post that throws as temporary, and a sender it cannot tell as no reason to post again', async () => {
    const alert = await outbox.enqueue(sampleAlert());
    const throwing = new DeliverAlerts({
      outbox,
      post: async () => {
        throw new Error('socket hang up');
      },
      settled: async () => {},
      now: () => now,
      onError: (_e, context) => void errors.push(context),
    });
    expect((await throwing.runOnce()).retrying).toBe(1);
    now = new Date(T0.getTime() + 3_600_000);
    const deafSender = new DeliverAlerts({
      outbox,
      post: async () => ({ ok: true, permalink: 'https://x.slack.com/p' }),
      settled: async () => {
        throw new Error('response_url expired');
      },
      now: () => now,
      onError: (_e, context) => void errors.push(context),
    });
    expect((await deafSender.runOnce()).posted).toBe(1);
    expect(stored(alert.id).status).toBe('posted');
    expect(errors).toEqual(['posting an alert', 'telling the sender']);
  });
});
