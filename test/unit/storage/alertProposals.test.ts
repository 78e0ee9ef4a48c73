/**
 * Proposed alerts in SQL: decided once, by their own user, within their hour; kept in the database,
 * so a store opened afterwards (a restarted instance) still knows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPOSAL_TTL_MS } from '../../../src/actions/alerts/proposals.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlAlertProposals } from '../../../src/infrastructure/storage/sqlAlertProposals.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const t0 = new Date('2026-11-25T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const alice = { teamId: 'T1', userId: 'U1' };
const mallory = { teamId: 'T1', userId: 'U666' };
const request = { channel: 'ops', severity: 'critical' as const, text: 'db down', mentionChannel: false };

describe.each(DATABASE_KINDS)('SqlAlertProposals on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('is decided once, by its own user, also through a store opened afterwards', async () => {
    const kept = await new SqlAlertProposals(db).keep(alice, request, t0);
    const restarted = new SqlAlertProposals(db);
    expect(await restarted.decide(kept.id, mallory, 'post', at(1_000))).toEqual({ ok: false, reason: 'not_yours' });
    expect(await restarted.decide(kept.id, { ...alice, teamId: 'T2' }, 'post', at(1_000))).toEqual({ ok: false, reason: 'not_yours' });
    expect(await restarted.decide(kept.id, alice, 'post', at(2_000))).toEqual({ ok: true, proposal: { ...kept, proposedTo: alice, request } });
    expect(await restarted.decide(kept.id, alice, 'post', at(3_000))).toEqual({ ok: false, reason: 'gone' });
    expect(await restarted.decide(kept.id, alice, 'cancel', at(3_000))).toEqual({ ok: false, reason: 'gone' });
  });

  it('is gone once expired, or when unknown', async () => {
    const kept = await new SqlAlertProposals(db).keep(alice, request, t0);
    expect(await new SqlAlertProposals(db).decide(kept.id, alice, 'post', at(PROPOSAL_TTL_MS + 1))).toEqual({ ok: false, reason: 'gone' });
    expect(await new SqlAlertProposals(db).decide('no-such-id', alice, 'post', t0)).toEqual({ ok: false, reason: 'gone' });
  });

  it('lets concurrent presses decide once', async () => {
    const store = new SqlAlertProposals(db);
    const kept = await store.keep(alice, request, t0);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.decide(kept.id, alice, 'post', at(1_000))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });
});
