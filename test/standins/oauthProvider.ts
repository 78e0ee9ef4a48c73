/**
 * The OAuth provider for integration tests: oauth2-mock-server (a real OAuth 2.0 server from npm,
 * with PKCE checks and JWT access tokens) on loopback, made to behave like Google where the bot
 * relies on it: a refresh token works only if it was issued and not revoked, refresh tokens are not
 * rotated unless asked, and the granted scope is the one requested. Its authorization endpoint
 * redirects straight back with a code, so no browser page is involved.
 *
 * OpenID Connect as Google does it: when `openid` is granted, the token answer carries an ID token
 * (RS256, signed with the mock's key) with `aud` and `azp` the client id, and, when `email` is
 * granted too, the account's `email` and `email_verified`; the granted scope reports `email` as
 * `https://www.googleapis.com/auth/userinfo.email`, as Google's does.
 *
 * The token and revocation endpoints are reached through a small front door that records each
 * request and can answer in the mock's place (a 503, an OAuth error), as a provider's edge does:
 * failing there leaves the code unused, so the bot's retry meets the real server.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Events, OAuth2Server, type MutableRedirectUri, type MutableResponse, type TokenRequestIncomingMessage } from 'oauth2-mock-server';

export interface TokenCall {
  grantType: string;
  /** The form as sent (client secret included: tests only). */
  form: Record<string, string>;
  status: number;
}

export interface QueuedFailure {
  status: number;
  body: Record<string, unknown>;
  /** Only requests of this grant type fail (others pass); any when unset. */
  grantType?: string;
  /** Which endpoint fails; the token endpoint when unset. */
  endpoint?: 'token' | 'revoke';
}

export interface OAuthProviderStandin {
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  tokenCalls: TokenCall[];
  /** Tokens posted to the revocation endpoint. */
  revocations: string[];
  /** Every access, refresh and ID token issued, to look for in logs and databases. */
  issued: string[];
  /** Called with each access token issued (e.g. to make the Gmail stand-in accept it). */
  onAccessToken(listener: (token: string) => void): void;
  failNextToken(failure: QueuedFailure, count?: number): void;
  /** The next authorization returns with `error` instead of a code, as when the user clicks Cancel. */
  denyNextAuthorization(error?: string): void;
  /** The scope the next grants report, e.g. to act as a user who unticked a permission. */
  setGrantedScope(scope: string | undefined): void;
  setTokenLifetime(seconds: number): void;
  setRotation(rotate: boolean): void;
  /** The Google account that consents from now on: its address and whether Google has verified it. */
  setAccount(account: { email: string; emailVerified?: boolean }): void;
  /** Forgets recorded calls and queued failures and restores the defaults; issued grants stay valid. */
  reset(): void;
  close(): Promise<void>;
}

export async function startOAuthProvider(): Promise<OAuthProviderStandin> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const mock = `http://127.0.0.1:${server.address().port}`;

  const tokenCalls: TokenCall[] = [];
  const revocations: string[] = [];
  const issued: string[] = [];
  const listeners: Array<(token: string) => void> = [];
  const scopeOfCode = new Map<string, string>();
  const liveRefreshTokens = new Map<string, string>(); // refresh token -> granted scope
  let failures: QueuedFailure[] = [];
  let grantedScope: string | undefined;
  let lifetime = 3600;
  let rotate = false;
  let account = { ...DEFAULT_ACCOUNT };

  /** An ID token shaped like Google's, signed synchronously (the mock's hooks cannot wait). */
  function idTokenFor(clientId: string, scopes: string[]): string {
    const key = server.issuer.keys.get() as unknown as { kid: string; alg: string } & Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { iss: 'https://accounts.google.com', azp: clientId, aud: clientId, sub: account.sub, iat: now, exp: now + 3600 };
    if (scopes.includes(USERINFO_EMAIL)) Object.assign(claims, { email: account.email, email_verified: account.emailVerified });
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signingInput = `${part({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${part(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), createPrivateKey({ key: key as never, format: 'jwk' }));
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  server.service.on(Events.BeforeAuthorizeRedirect, ({ url }: MutableRedirectUri, req: IncomingMessage) => {
    const code = url.searchParams.get('code');
    if (code) scopeOfCode.set(code, new URL(req.url ?? '/', mock).searchParams.get('scope') ?? '');
  });

  // Shapes the mock's successful token answers the way Google's look.
  server.service.on(Events.BeforeResponse, (response: MutableResponse, req: TokenRequestIncomingMessage) => {
    const form = req.body as unknown as Record<string, string>;
    const body = response.body as Record<string, unknown>;
    if (response.statusCode !== 200 || !body) return;
    let scope = scopeOfCode.get(String(form.code)) ?? '';
    if (form.grant_type === 'refresh_token') {
      const known = liveRefreshTokens.get(String(form.refresh_token));
      if (known === undefined) {
        Object.assign(response, { statusCode: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
        return;
      }
      scope = known;
      if (rotate) liveRefreshTokens.delete(String(form.refresh_token));
      else delete body.refresh_token; // Google keeps the refresh token it gave at consent
    }
    body.scope = asGoogleReportsIt(grantedScope ?? scope);
    body.expires_in = lifetime;
    const granted = String(body.scope).split(' ');
    if (granted.includes('openid')) body.id_token = idTokenFor(String(form.client_id), granted);
    else delete body.id_token;
    if (typeof body.refresh_token === 'string') liveRefreshTokens.set(body.refresh_token, String(body.scope));
    issued.push(String(body.access_token), ...[body.refresh_token, body.id_token].filter((token): token is string => typeof token === 'string'));
    for (const listener of listeners) listener(String(body.access_token));
  });

  const front = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(text));
      const path = new URL(req.url ?? '/', mock).pathname;
      const answer = async (): Promise<{ status: number; type: string; body: string }> => {
        const endpoint = path === '/revoke' ? 'revoke' : 'token';
        const index = failures.findIndex(
          (f) => (f.endpoint ?? 'token') === endpoint && (f.grantType === undefined || f.grantType === form.grant_type),
        );
        const failure = index === -1 ? undefined : failures.splice(index, 1)[0];
        if (failure) return { status: failure.status, type: 'application/json', body: JSON.stringify(failure.body) };
        if (path === '/revoke') {
          revocations.push(form.token ?? '');
          liveRefreshTokens.delete(form.token ?? '');
        }
        const passed = await fetch(`${mock}${path}`, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: text });
        return { status: passed.status, type: passed.headers.get('content-type') ?? 'application/json', body: await passed.text() };
      };
      answer().then(
        ({ status, type, body }) => {
          if (path === '/token') tokenCalls.push({ grantType: form.grant_type ?? '', form, status });
          res.writeHead(status, { 'content-type': type });
          res.end(body);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const door = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

  return {
    authorizationUrl: `${mock}/authorize`,
    tokenUrl: `${door}/token`,
    revocationUrl: `${door}/revoke`,
    tokenCalls,
    revocations,
    issued,
    onAccessToken: (listener) => void listeners.push(listener),
    failNextToken: (failure, count = 1) => void failures.push(...Array.from({ length: count }, () => failure)),
    denyNextAuthorization(error = 'access_denied') {
      server.service.once(Events.BeforeAuthorizeRedirect, ({ url }: MutableRedirectUri) => {
        url.searchParams.delete('code');
        url.searchParams.set('error', error);
      });
    },
    setGrantedScope: (scope) => void (grantedScope = scope),
    setTokenLifetime: (seconds) => void (lifetime = seconds),
    setRotation: (value) => void (rotate = value),
    setAccount: ({ email, emailVerified = true }) => void (account = { email, emailVerified, sub: subjectOf(email) }),
    reset() {
      tokenCalls.length = 0;
      revocations.length = 0;
      failures = [];
      grantedScope = undefined;
      rotate = false;
      lifetime = 3600;
      account = { ...DEFAULT_ACCOUNT };
    },
    async close() {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      await server.stop();
    },
  };
}

const USERINFO_EMAIL = 'https://www.googleapis.com/auth/userinfo.email';

/** The address of the account that consents unless a test says otherwise. */
export const DEFAULT_ACCOUNT_EMAIL = 'connected.user@example.com';
const DEFAULT_ACCOUNT = { email: DEFAULT_ACCOUNT_EMAIL, emailVerified: true, sub: subjectOf(DEFAULT_ACCOUNT_EMAIL) };

/** Google's stable account id: digits, the same for the same account. */
function subjectOf(email: string): string {
  return BigInt(`0x${Buffer.from(email).toString('hex').slice(0, 20)}`).toString().padStart(21, '1');
}

/** Google names the `email` scope by its full URL in the granted scope. */
function asGoogleReportsIt(scope: string): string {
  return scope
    .split(' ')
    .filter(Boolean)
    .map((name) => (name === 'email' ? USERINFO_EMAIL : name))
    .join(' ');
}
