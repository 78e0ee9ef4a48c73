import { describe, expect, it, vi } from 'vitest';
import type { AgentAuth } from '../../../src/agentAuth/port.ts';
import { withAccessToken } from '../../../src/agentAuth/withAccessToken.ts';
import { NeedsAuthorizationError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../../src/core/errors.ts';

function fakeAuth(tokens: string[]): AgentAuth & { invalidations: number } {
  let i = 0;
  const auth = {
    invalidations: 0,
    ensureAccount: vi.fn(),
    getAccessToken: vi.fn(async () => ({ value: tokens[Math.min(i++, tokens.length - 1)] ?? '', expiresAt: undefined })),
    invalidateToken: vi.fn(() => {
      auth.invalidations++;
    }),
    createAuthorizationLink: vi.fn(),
    completeAuthorization: vi.fn(),
  };
  return auth as unknown as AgentAuth & { invalidations: number };
}

const ref = { connection: 'gmail', identifier: 'u1' };

describe('withAccessToken', () => {
  it('reads the token again once after a 401', async () => {
    const auth = fakeAuth(['stale', 'fresh']);
    const call = vi.fn(async (token: string) => {
      if (token === 'stale') throw new UpstreamUnauthorizedError('Gmail');
      return 'ok';
    });
    await expect(withAccessToken(auth, ref, call)).resolves.toBe('ok');
    expect(call.mock.calls.map((c) => c[0])).toEqual(['stale', 'fresh']);
    expect(auth.getAccessToken).toHaveBeenLastCalledWith(ref, { forceFresh: true });
  });

  it('treats a second 401 as needing authorization', async () => {
    const auth = fakeAuth(['a', 'b']);
    const call = vi.fn(async () => {
      throw new UpstreamUnauthorizedError('Gmail');
    });
    await expect(withAccessToken(auth, ref, call)).rejects.toBeInstanceOf(NeedsAuthorizationError);
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('passes other failures through without retrying', async () => {
    const auth = fakeAuth(['a']);
    const call = vi.fn(async () => {
      throw new UpstreamUnavailableError('Gmail', 'down');
    });
    await expect(withAccessToken(auth, ref, call)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(call).toHaveBeenCalledTimes(1);
  });
});
