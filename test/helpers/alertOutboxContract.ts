/**
 * What every AlertOutbox must do, as a reusable suite: call `alertOutboxContract('SQL', make)` from
 * the storage tests to hold the SQL implementation to the same behaviour as the in-memory one.
 */
import { describe, expect, it } from 'vitest';
import type { NewAlert } from '../../src/actions/alerts/alert.ts';
import type { AlertOutbox } from '../../src/actions/alerts/outbox.ts';

const T0 = new Date('2026-03-27T09:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

export function sampleAlert(overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    raisedBy: { teamId: 'T1', userId: 'U1' },
    channelId: 'C0ALERTS',
    severity: 'critical',
    text: 'db down',
    mentionChannel: false,
    createdAt: T0,
    ...overrides,
  };
}

export function alertOutboxContract(name: string, make: () => Promise<AlertOutbox> | AlertOutbox): void {
  describe(`${name} AlertOutbox contract`, () => {
    it('stores an alert as pending and due at once, keeping every field', async () => {
      const outbox = await make();
      const stored = await outbox.enqueue(sampleAlert({ mentionChannel: true }));
      expect(stored).toMatchObject({ ...sampleAlert({ mentionChannel: true }), status: 'pending', attempts: 0 });
      const [claimed] = await outbox.claimDue(T0);
      expect(claimed).toMatchObject({ id: stored.id, text: 'db down', mentionChannel: true, raisedBy: { teamId: 'T1', userId: 'U1' }, attempts: 1 });
    });

    it('hands an alert to one claimer at a time until its lease runs out', async () => {
      const outbox = await make();
      await outbox.enqueue(sampleAlert());
      expect(await outbox.claimDue(T0, { leaseMs: 30_000 })).toHaveLength(1);
      expect(await outbox.claimDue(at(10))).toHaveLength(0);
      const again = await outbox.claimDue(at(31));
      expect(again.map((a) => a.attempts)).toEqual([2]);
    });

    it('claims oldest first, at most the limit', async () => {
      const outbox = await make();
      await outbox.enqueue(sampleAlert({ text: 'second', createdAt: at(1) }));
      await outbox.enqueue(sampleAlert({ text: 'first', createdAt: at(0) }));
      await outbox.enqueue(sampleAlert({ text: 'third', createdAt: at(2) }));
      expect((await outbox.claimDue(at(5), { limit: 2 })).map((a) => a.text)).toEqual(['first', 'second']);
    });

    it('never hands out posted or failed alerts again; rescheduled ones when due', async () => {
      const outbox = await make();
      const posted = await outbox.enqueue(sampleAlert({ text: 'posted' }));
      const failed = await outbox.enqueue(sampleAlert({ text: 'failed' }));
      const later = await outbox.enqueue(sampleAlert({ text: 'later' }));
      await outbox.claimDue(T0);
      await outbox.markPosted(posted.id, 'https://example.slack.com/archives/C0ALERTS/p1');
      await outbox.markFailed(failed.id, 'not_in_channel');
      await outbox.reschedule(later.id, at(120));
      expect(await outbox.claimDue(at(119))).toEqual([]);
      expect((await outbox.claimDue(at(3600))).map((a) => a.text)).toEqual(['later']);
    });
  });
}
