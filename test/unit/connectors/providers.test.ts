/** Connectors described as data: the built-in descriptions are valid, and overrides are checked. */
import { describe, expect, it } from 'vitest';
import { CONNECTORS, PROVIDERS, resolveConnector } from '../../../src/connectors/providers.ts';

describe('connector descriptions', () => {
  it('describes Gmail on Google, reading and marking read, with a refresh token asked for', () => {
    expect(resolveConnector('gmail')).toEqual({
      key: 'gmail',
      label: 'Gmail',
      provider: 'google',
      providerLabel: 'Google',
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      scopes: ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.compose'],
      identityScopes: ['openid', 'email'],
      authorizationParams: { access_type: 'offline', prompt: 'consent' },
    });
  });

  it('asks every connection for its own scopes only (no include_granted_scopes)', () => {
    for (const connector of CONNECTORS) expect(connector.authorizationParams ?? {}).not.toHaveProperty('include_granted_scopes');
  });

  it('describes Google Calendar with the events scope only', () => {
    expect(resolveConnector('google-calendar')).toMatchObject({ provider: 'google', scopes: ['https://www.googleapis.com/auth/calendar.events'] });
  });

  it('never asks for gmail.metadata, which breaks search', () => {
    for (const connector of CONNECTORS) expect(connector.scopes.join(' ')).not.toContain('gmail.metadata');
  });

  it('takes endpoint overrides per provider, leaving the rest as described', () => {
    const resolved = resolveConnector('gmail', { google: { tokenUrl: 'http://127.0.0.1:9/token', authorizationUrl: undefined } });
    expect(resolved.tokenUrl).toBe('http://127.0.0.1:9/token');
    expect(resolved.authorizationUrl).toBe(PROVIDERS.google?.authorizationUrl);
    expect(() => resolveConnector('gmail', { google: { tokenUrl: 'ftp://x' } })).toThrow();
  });

  it('refuses a description that is not valid', () => {
    const providers = PROVIDERS;
    const base = { key: 'mail', label: 'Mail', provider: 'google', scopes: ['s'] };
    expect(() => resolveConnector('nope')).toThrow(/no connector/);
    expect(() => resolveConnector('mail', {}, { providers, connectors: [{ ...base, scopes: [] }] })).toThrow();
    expect(() => resolveConnector('mail', {}, { providers, connectors: [{ ...base, provider: 'elsewhere' }] })).toThrow(/provider/);
    expect(() =>
      resolveConnector('mail', {}, { providers, connectors: [{ ...base, authorizationParams: { redirect_uri: 'https://evil' } }] }),
    ).toThrow();
    expect(resolveConnector('mail', {}, { providers, connectors: [base] }).authorizationParams).toEqual({});
  });
});
