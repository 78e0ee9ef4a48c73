/**
 * What Edit and the viewed channel keep, in SQL on both databases: an Edit is saved once, by its own
 * user, before it expires; a step or an alert is revised only while it waits; the viewed channel is
 * per user and forgotten when it expires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_TTL_MS } from '../../../src/actions/agent/approvals.ts';
import { EDIT_TTL_MS } from '../../../src/actions/agent/edits.ts';
import { VIEWED_CHANNEL_TTL_MS } from '../../../src/actions/agent/viewedChannels.ts';
import { PROPOSAL_TTL_MS } from '../../../src/actions/alerts/proposals.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlAlertProposals } from '../../../src/infrastructure/storage/sqlAlertProposals.ts';
import { SqlStepApprovals } from '../../../src/infrastructure/storage/sqlStepApprovals.ts';
import { SqlStepEdits } from '../../../src/infrastructure/storage/sqlStepEdits.ts';
import { SqlViewedChannels } from '../../../src/infrastructure/storage/sqlViewedChannels.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const t0 = new Date('2026-11-25T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const alice = { teamId: 'T1', userId: 'U1' };
const mallory = { teamId: 'T1', userId: 'U666' };
const card = { channel: 'DU1', ts: '1700000000.000200' };

describe.each(DATABASE_KINDS)('Edit and the viewed channel on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('an Edit is saved once, by its own user, before it expires; it keeps which step and where its card is', async () => {
    const edits = new SqlStepEdits(db);
    const opened = await edits.open(alice, { kind: 'step', id: 'a1' }, card, t0);
    expect(opened).toMatchObject({ owner: alice, target: { kind: 'step', id: 'a1' }, card, expiresAt: at(EDIT_TTL_MS) });
    expect(await edits.peek(opened.id, mallory, at(1))).toEqual({ ok: false, reason: 'not_yours' });
    expect(await edits.take(opened.id, mallory, at(1))).toEqual({ ok: false, reason: 'not_yours' });
    expect(await new SqlStepEdits(db).peek(opened.id, alice, at(1))).toEqual({ ok: true, edit: opened });
    expect(await new SqlStepEdits(db).take(opened.id, alice, at(2))).toEqual({ ok: true, edit: opened });
    expect(await edits.take(opened.id, alice, at(3))).toEqual({ ok: false, reason: 'gone' });
    const late = await edits.open(alice, { kind: 'alert', id: 'p1' }, card, t0);
    expect(await edits.take(late.id, alice, at(EDIT_TTL_MS + 1))).toEqual({ ok: false, reason: 'gone' });
    expect(await edits.peek('unknown', alice, at(1))).toEqual({ ok: false, reason: 'gone' });
  });

  it('a step is revised only by its user, while it waits', async () => {
    const approvals = new SqlStepApprovals(db);
    const step = { action: 'calendar.create_event', input: { title: 'old' }, thread: { channel: 'DU1', threadTs: '1.1' } };
    const kept = await approvals.keep(alice, step, t0);
    expect(await approvals.revise(kept.id, mallory, { title: 'x' }, at(1))).toEqual({ ok: false, reason: 'not_yours' });
    expect(await approvals.revise(kept.id, alice, { title: 'new' }, at(APPROVAL_TTL_MS + 1))).toEqual({ ok: false, reason: 'gone' });
    expect(await approvals.revise(kept.id, alice, { title: 'new' }, at(1))).toMatchObject({ ok: true, approval: { step: { ...step, input: { title: 'new' } } } });
    expect(await approvals.decide(kept.id, alice, 'approve', at(2))).toMatchObject({ ok: true, approval: { step: { input: { title: 'new' } } } });
    expect(await approvals.revise(kept.id, alice, { title: 'later' }, at(3))).toEqual({ ok: false, reason: 'gone' });
  });

  it('an alert proposal is looked at and revised only by its user, while it waits', async () => {
    const proposals = new SqlAlertProposals(db);
    const kept = await proposals.keep(alice, { text: 'old', severity: 'warning' }, t0);
    expect(await proposals.peek(kept.id, mallory, at(1))).toBeUndefined();
    expect(await proposals.peek(kept.id, alice, at(1))).toEqual(kept);
    expect(await proposals.revise(kept.id, mallory, { text: 'x', severity: 'info' }, at(1))).toEqual({ ok: false, reason: 'not_yours' });
    expect(await proposals.revise(kept.id, alice, { text: 'new', severity: 'info', channel: 'C0OPS' }, at(1))).toMatchObject({ ok: true, proposal: { request: { text: 'new', channel: 'C0OPS' } } });
    expect(await proposals.peek(kept.id, alice, at(PROPOSAL_TTL_MS + 1))).toBeUndefined();
    await proposals.decide(kept.id, alice, 'cancel', at(2));
    expect(await proposals.revise(kept.id, alice, { text: 'late', severity: 'info' }, at(3))).toEqual({ ok: false, reason: 'gone' });
  });

  it('remembers the channel each user views, the one before, and forgets it when it expires', async () => {
    const viewed = new SqlViewedChannels(db);
    expect(await viewed.remember(alice, 'C0ONE', t0)).toBeUndefined();
    expect(await viewed.remember(alice, 'C0TWO', at(1))).toBe('C0ONE');
    expect(await new SqlViewedChannels(db).viewed(alice, at(2))).toBe('C0TWO');
    expect(await viewed.viewed(mallory, at(2))).toBeUndefined();
    expect(await viewed.viewed(alice, at(1 + VIEWED_CHANNEL_TTL_MS))).toBeUndefined();
    expect(await viewed.remember(alice, undefined, at(3))).toBe('C0TWO');
    expect(await viewed.viewed(alice, at(4))).toBeUndefined();
  });
});
