/** Approvals of agent steps in SQL: decided once, by their own user, before they expire; seen by a store opened afterwards. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_TTL_MS } from '../../../src/actions/agent/approvals.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlStepApprovals } from '../../../src/infrastructure/storage/sqlStepApprovals.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const t0 = new Date('2026-11-25T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const alice = { teamId: 'T1', userId: 'U1' };
const mallory = { teamId: 'T1', userId: 'U666' };
const step = { action: 'gmail.mark_read', input: { ids: ['m1'] }, thread: { channel: 'DU1', threadTs: '1.1' } };

describe.each(DATABASE_KINDS)('SqlStepApprovals on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('is approved once, by its own user, also through a store opened afterwards', async () => {
    const kept = await new SqlStepApprovals(db).keep(alice, step, t0);
    const other = new SqlStepApprovals(db);
    expect(await other.decide(kept.id, mallory, 'approve', at(1))).toEqual({ ok: false, reason: 'not_yours' });
    expect(await other.decide(kept.id, alice, 'approve', at(2))).toEqual({ ok: true, approval: { ...kept, proposedTo: alice, step } });
    expect(await other.decide(kept.id, alice, 'approve', at(3))).toEqual({ ok: false, reason: 'gone' });
    expect(await other.decide(kept.id, alice, 'cancel', at(3))).toEqual({ ok: false, reason: 'gone' });
  });

  it('can be looked at by its own user while undecided', async () => {
    const kept = await new SqlStepApprovals(db).keep(alice, step, t0);
    expect(await new SqlStepApprovals(db).peek(kept.id, alice, at(1))).toEqual({ ...kept, proposedTo: alice, step });
    expect(await new SqlStepApprovals(db).peek(kept.id, mallory, at(1))).toBeUndefined();
    expect(await new SqlStepApprovals(db).peek(kept.id, alice, at(APPROVAL_TTL_MS + 1))).toBeUndefined();
    await new SqlStepApprovals(db).decide(kept.id, alice, 'cancel', at(2));
    expect(await new SqlStepApprovals(db).peek(kept.id, alice, at(3))).toBeUndefined();
  });

  it('is gone once expired, or when unknown', async () => {
    const kept = await new SqlStepApprovals(db).keep(alice, step, t0);
    expect(await new SqlStepApprovals(db).decide(kept.id, alice, 'approve', at(APPROVAL_TTL_MS + 1))).toEqual({ ok: false, reason: 'gone' });
    expect(await new SqlStepApprovals(db).decide('nope', alice, 'approve', t0)).toEqual({ ok: false, reason: 'gone' });
  });
});
