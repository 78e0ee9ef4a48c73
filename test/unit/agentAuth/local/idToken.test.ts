/** The connected account's address, taken from an ID token only when it is for this client and verified. */
import { describe, expect, it } from 'vitest';
import { verifiedAddressOf } from '../../../../src/agentAuth/local/idToken.ts';

const clientId = 'cid.apps.googleusercontent.com';

/** A JWT as Google's token endpoint returns it; the signature is not looked at (OIDC Core §3.1.3.7). */
function idToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

const google = {
  iss: 'https://accounts.google.com',
  azp: clientId,
  aud: clientId,
  sub: '110169484474386276334',
  email: 'alice@example.com',
  email_verified: true,
  iat: 1_700_000_000,
  exp: 1_700_003_600,
};

describe('verifiedAddressOf', () => {
  it("takes the verified email of an ID token issued to this client", () => {
    expect(verifiedAddressOf(idToken(google), clientId)).toBe('alice@example.com');
    expect(verifiedAddressOf(idToken({ ...google, aud: [clientId] }), clientId)).toBe('alice@example.com');
    expect(verifiedAddressOf(idToken({ ...google, email_verified: 'true' }), clientId)).toBe('alice@example.com');
  });

  it('gives no address when the provider does not vouch for the email', () => {
    expect(verifiedAddressOf(idToken({ ...google, email_verified: false }), clientId)).toBeUndefined();
    expect(verifiedAddressOf(idToken({ ...google, email_verified: 'false' }), clientId)).toBeUndefined();
    expect(verifiedAddressOf(idToken({ ...google, email_verified: undefined }), clientId)).toBeUndefined();
  });

  it('gives no address from an ID token issued to another client', () => {
    expect(verifiedAddressOf(idToken({ ...google, aud: 'other.apps.googleusercontent.com' }), clientId)).toBeUndefined();
    expect(verifiedAddressOf(idToken({ ...google, aud: [clientId, 'other'], azp: 'other' }), clientId)).toBeUndefined();
    expect(verifiedAddressOf(idToken({ ...google, aud: undefined }), clientId)).toBeUndefined();
  });

  it('gives no address when there is no ID token, no email, or no readable token', () => {
    expect(verifiedAddressOf(undefined, clientId)).toBeUndefined();
    expect(verifiedAddressOf(idToken({ ...google, email: undefined }), clientId)).toBeUndefined();
    expect(verifiedAddressOf(idToken({ ...google, email: 'not an address' }), clientId)).toBeUndefined();
    expect(verifiedAddressOf('not-a-jwt', clientId)).toBeUndefined();
  });
});
