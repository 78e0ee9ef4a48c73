import { describe, expect, it, vi } from 'vitest';
import { ActionCatalog } from '../../../src/actions/catalog.ts';
import { KeptRequestSweeper } from '../../../src/actions/keptRequestSweeper.ts';
import type { KeptRequest, KeptRequestStore } from '../../../src/actions/ports.ts';
import { ResumeKeptRequests } from '../../../src/actions/resumeKeptRequests.ts';
import type { AgentAuth } from '../../../src/agentAuth/port.ts';
import { NeedsAuthorizationError } from '../../../src/core/errors.ts';
import { z } from 'zod';

function storeWith(requests: KeptRequest[]): KeptRequestStore {
  const waiting = new Map(requests.map((r) => [r.id, r]));
  return {
    keep: vi.fn(),
    accountsAwaiting: async () => [...new Map([...waiting.values()].map((r) => [`${r.identifier}`, { identifier: r.identifier, connection: r.connection }])).values()],
    claimWaiting: async (identifier, connection) => {
      const claimed = [...waiting.values()].filter((r) => r.identifier === identifier && r.connection === connection);
      for (const r of claimed) waiting.delete(r.id);
      return claimed;
    },
    finish: vi.fn(async () => {}),
  };
}

const request = (id: string, identifier: string): KeptRequest => ({
  id, identifier, connection: 'gmail', requester: { teamId: 'T', userId: identifier }, action: 'echo', input: { n: 1 },
  createdAt: new Date(0), expiresAt: new Date(1e13),
});

describe('KeptRequestSweeper', () => {
  it('carries out requests of accounts that have become usable, and leaves the others waiting', async () => {
    const store = storeWith([request('r1', 'connected'), request('r2', 'not-yet')]);
    const agentAuth = {
      getAccessToken: vi.fn(async (ref: { identifier: string }) => {
        if (ref.identifier === 'not-yet') throw new NeedsAuthorizationError('gmail');
        return { value: 't', expiresAt: undefined };
      }),
    } as unknown as AgentAuth;
    const catalog = new ActionCatalog().register({ name: 'echo', connection: 'gmail', budget: 'read_mail', input: z.object({ n: z.number() }), run: async (_id, input) => input.n });
    const resume = new ResumeKeptRequests({ catalog, keptRequests: store, now: () => new Date(0) });
    const delivered: string[] = [];
    const sweeper = new KeptRequestSweeper({ keptRequests: store, agentAuth, resume, now: () => new Date(0) });
    expect(await sweeper.sweep(async (r, outcome) => void delivered.push(`${r.id}:${outcome.ok}`))).toBe(1);
    expect(delivered).toEqual(['r1:true']);
    expect(await store.accountsAwaiting(new Date(0))).toEqual([{ identifier: 'not-yet', connection: 'gmail' }]);
  });
});
