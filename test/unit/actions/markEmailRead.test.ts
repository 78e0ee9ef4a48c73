import { describe, expect, it } from 'vitest';
import { MarkEmailRead } from '../../../src/actions/markEmailRead.ts';
import type { AgentAuth } from '../../../src/agentAuth/port.ts';

const auth: AgentAuth = {
  ensureAccount: async () => 'ACTIVE',
  status: async () => 'ACTIVE',
  getAccessToken: async () => ({ value: 'tok', expiresAt: undefined }),
  invalidateToken: () => {},
  createAuthorizationLink: async () => ({ url: 'https://auth.example', expiresAt: undefined }),
  completeAuthorization: async () => ({ status: 'ACTIVE' }),
  disconnect: async () => {},
};

describe('MarkEmailRead', () => {
  it('marks the messages read with the Gmail connection\'s token', async () => {
    const calls: Array<[string, readonly string[]]> = [];
    const action = new MarkEmailRead({ agentAuth: auth, gmail: { markAsRead: async (token, ids) => void calls.push([token, ids]) }, connection: 'gmail' });
    expect(await action.run('id', { ids: ['18c1', '18c1'] })).toEqual({ marked: 1 });
    expect(calls).toEqual([['tok', ['18c1', '18c1']]]);
  });

  it('refuses ids that are not Gmail ids', async () => {
    const action = new MarkEmailRead({ agentAuth: auth, gmail: { markAsRead: async () => {} }, connection: 'gmail' });
    await expect(action.run('id', { ids: ['a/b'] })).rejects.toThrow();
    await expect(action.run('id', { ids: [] })).rejects.toThrow();
  });
});
