/** PKCE S256 (RFC 7636) and the authorization URL the built-in backend sends browsers to. */
import { describe, expect, it } from 'vitest';
import { OAuthClient } from '../../../../src/agentAuth/local/oauthClient.ts';
import { codeChallengeOf, hashState, newCodeVerifier } from '../../../../src/agentAuth/local/pkce.ts';
import type { OAuthConnector } from '../../../../src/agentAuth/local/ports.ts';

const gmail: OAuthConnector = {
  label: 'Gmail',
  providerLabel: 'Google',
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revocationUrl: 'https://oauth2.googleapis.com/revoke',
  scopes: ['https://www.googleapis.com/auth/gmail.readonly', 'openid'],
  authorizationParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  clientId: 'cid.apps.googleusercontent.com',
  clientSecret: 'client-secret',
};

describe('PKCE', () => {
  it('matches the example of RFC 7636, appendix B', () => {
    expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 to 128 unreserved characters, different every time', () => {
    const verifiers = Array.from({ length: 100 }, newCodeVerifier);
    for (const verifier of verifiers) {
      expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
      expect(codeChallengeOf(verifier)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(new Set(verifiers).size).toBe(100);
  });

  it('stores states only as hashes', () => {
    expect(hashState('state-1')).not.toContain('state-1');
    expect(hashState('state-1')).toBe(hashState('state-1'));
    expect(hashState('state-1')).not.toBe(hashState('state-2'));
  });
});

describe('the authorization URL', () => {
  it('asks for a code with the S256 challenge, the scopes and the connector’s extra parameters', () => {
    const url = new URL(
      new OAuthClient().authorizationUrl(gmail, { redirectUri: 'https://bot.example/auth/callback', state: 'st', codeChallenge: 'ch' }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(gmail.authorizationUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: gmail.clientId,
      redirect_uri: 'https://bot.example/auth/callback',
      response_type: 'code',
      scope: 'https://www.googleapis.com/auth/gmail.readonly openid',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
    });
    expect(url.searchParams.has('client_secret')).toBe(false);
  });
});
