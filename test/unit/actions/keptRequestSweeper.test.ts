import { describe, expect, it, vi } from 'vitest';
import { ActionCatalog } from '../../../src/actions/catalog.ts';
import { KeptRequestSweeper } from '../../../src/actions/keptRequestSweeper.ts';
import { ResumeKeptRequests } from '../../../src/actions/resumeKeptRequests.ts';
import type { AgentAuth } from '../../../src/agentAuth/port.ts';
import { NeedsAuthorizationError } from '../../../src/core/errors.ts';
import { openDatabase } from '../../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../../src/infrastructure/storage/migrations.ts';
import { SqlKeptRequestStore } from '../../../src/infrastructure/storage/sqlKeptRequestStore.ts';
import { z } from 'zod';

// The real store: what is left waiting is read back from it, not from a stub the test wrote.
async function storeWith(identifiers: string[], now: Date) {
  const db = await openDatabase('memory://');
  await migrate(db);
  const store = new SqlKeptRequestStore(db);
  const kept = [];
  for (const identifier of identifiers) {
    kept.push(await store.keep({
      identifier, connection: 'gmail', requester: { teamId: 'T', userId: identifier }, action: 'echo', input: { n: 1 },
      expiresAt: new Date(now.getTime() + 15 * 60_000),
    }, now));
  }
  return { store, kept, close: () => db.close() };
}

describe('KeptRequestSweeper', () => {
  it('carries out requests of accounts that have become usable, and leaves the others waiting', async () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const { store, kept, close } = await storeWith(['connected', 'not-yet'], now);
    const agentAuth = {
      getAccessToken: vi.fn(async (ref: { identifier: string }) => {
        if (ref.identifier === 'not-yet') throw new NeedsAuthorizationError('gmail');
        return { value: 't', expiresAt: undefined };
      }),
    } as unknown as AgentAuth;
    const catalog = new ActionCatalog().register({ name: 'echo', connection: 'gmail', budget: 'read_mail', effect: 'read', input: z.object({ n: z.number() }), run: async (_id, input) => input.n });
    const resume = new ResumeKeptRequests({ catalog, keptRequests: store, now: () => now });
    const delivered: string[] = [];
    const sweeper = new KeptRequestSweeper({ keptRequests: store, agentAuth, resume, now: () => now });
    const nothingDropped = async () => expect.fail('nothing has expired');
    expect(await sweeper.sweep(async (r, outcome) => void delivered.push(`${r.id}:${outcome.ok}`), nothingDropped)).toBe(1);
    expect(delivered).toEqual([`${kept[0]!.id}:true`]);
    expect(await store.accountsAwaiting(now)).toEqual([{ identifier: 'not-yet', connection: 'gmail' }]);
    // The carried-out request is finished in the store: a second sweep finds nothing more to do.
    expect(await sweeper.sweep(async (r) => void delivered.push(r.id), nothingDropped)).toBe(0);
    expect(delivered).toHaveLength(1);
    await close();
  });

  it('drops requests whose time ran out, tells of each once, and never runs them', async () => {
    const then = new Date('2026-11-25T12:00:00Z');
    const { store, kept, close } = await storeWith(['late'], then);
    const agentAuth = { getAccessToken: vi.fn(async () => ({ value: 't', expiresAt: undefined })) } as unknown as AgentAuth;
    const run = vi.fn(async () => 1);
    const catalog = new ActionCatalog().register({ name: 'echo', connection: 'gmail', budget: 'read_mail', effect: 'read', input: z.object({ n: z.number() }), run });
    let now = new Date(then.getTime() + 15 * 60_000 + 1);
    const resume = new ResumeKeptRequests({ catalog, keptRequests: store, now: () => now });
    const sweeper = new KeptRequestSweeper({ keptRequests: store, agentAuth, resume, now: () => now });
    const dropped: string[] = [];
    const delivered: string[] = [];
    expect(await sweeper.sweep(async (r) => void delivered.push(r.id), async (r) => void dropped.push(r.id))).toBe(0);
    expect(dropped).toEqual([kept[0]!.id]);
    now = new Date(now.getTime() + 60_000);
    expect(await sweeper.sweep(async (r) => void delivered.push(r.id), async (r) => void dropped.push(r.id))).toBe(0);
    // The account is connected, yet the expired request is neither run nor told of again.
    expect(await resume.run('late', 'gmail', async (r) => void delivered.push(r.id))).toBe(0);
    expect(dropped).toHaveLength(1);
    expect(delivered).toEqual([]);
    expect(run).not.toHaveBeenCalled();
    await close();
  });
});
