import { describe, expect, it } from 'vitest';
import { sessionCookie, signInCookie } from '../../../src/web/cookies.ts';

describe('cookies', () => {
  const later = new Date(Date.now() + 60_000);

  it('on https: __Host- prefixed, Secure, Path=/, no Domain', () => {
    for (const cookie of [sessionCookie('tok', later, true), signInCookie({ linkToken: 'l', state: 's', nonce: 'n' }, later, true)]) {
      expect(cookie).toMatch(/^__Host-agent_auth_\w+=/);
      expect(cookie).toContain('; Secure');
      expect(cookie).toContain('; Path=/;');
      expect(cookie).toContain('HttpOnly');
      expect(cookie).not.toMatch(/domain=/i);
    }
  });

  it('on http (local development): no prefix, which browsers would refuse without Secure', () => {
    const cookie = sessionCookie('tok', later, false);
    expect(cookie).toMatch(/^agent_auth_session=tok;/);
    expect(cookie).not.toContain('Secure');
  });
});
