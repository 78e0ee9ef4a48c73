/**
 * Sign in with Slack, as the Slack stand-in serves it (kept apart from the Web API methods):
 * - GET /openid/connect/authorize: Slack's sign-in page. Who is signed in is this browser's cookie on
 *   the stand-in's host, set by GET /test/sign-in-as?user=U&team=T (so two test browsers can be two
 *   people). It redirects back to redirect_uri with a single-use code and the state.
 * - POST /api/openid.connect.token: client_id and client_secret checked, code single-use and bound
 *   to its redirect_uri; answers ok, access_token, token_type, id_token (carrying the nonce).
 * - POST /api/openid.connect.userInfo (Bearer access token): sub and the https://slack.com/ claims.
 * Errors are Slack's: HTTP 200 with ok:false (invalid_code, invalid_client_id, bad_client_secret,
 * invalid_auth, not_authed).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const SLACK_CLIENT_ID = '1111.2222';
export const SLACK_CLIENT_SECRET = 'slack-client-secret-value';
const SIGNED_IN = 'standin_slack_user';

interface Grant { userId: string; teamId: string; redirectUri: string; nonce: string | undefined }

export interface SlackOidc {
  /** The authorize endpoint: what SLACK_OIDC_AUTHORIZE_URL takes. */
  authorizeUrl: string;
  /** Opening this URL in a test browser signs that browser in to Slack as this user. */
  signInUrl(userId: string, teamId: string): string;
  /** Every authorize request, as received. */
  authorizeRequests: URL[];
  /** Serves the browser-facing pages (authorize, the test's sign-in switch); false for any other path. */
  page(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  /** The answer to an openid.connect.* Web API method; undefined for any other method. */
  api(req: IncomingMessage, method: string, body: Record<string, unknown>): unknown;
}

export function slackOidc(base: string, client = { id: SLACK_CLIENT_ID, secret: SLACK_CLIENT_SECRET }): SlackOidc {
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, Grant>();
  const authorizeRequests: URL[] = [];

  function authorize(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', base);
    authorizeRequests.push(url);
    const redirectUri = url.searchParams.get('redirect_uri');
    if (url.searchParams.get('client_id') !== client.id || !redirectUri) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('invalid client_id or redirect_uri');
      return;
    }
    const signedIn = /(?:^|;\s*)standin_slack_user=([A-Z0-9]+):([A-Z0-9]+)/.exec(req.headers.cookie ?? '');
    if (!signedIn) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('not signed in to Slack');
      return;
    }
    const code = `oidc-code-${randomBytes(12).toString('hex')}`;
    codes.set(code, { teamId: signedIn[1]!, userId: signedIn[2]!, redirectUri, nonce: url.searchParams.get('nonce') ?? undefined });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = url.searchParams.get('state');
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { Location: back.toString() }).end();
  }

  function token(body: Record<string, unknown>): unknown {
    if (body.client_id !== client.id) return { ok: false, error: 'invalid_client_id' };
    if (body.client_secret !== client.secret) return { ok: false, error: 'bad_client_secret' };
    const grant = codes.get(String(body.code ?? ''));
    codes.delete(String(body.code ?? ''));
    if (!grant || grant.redirectUri !== body.redirect_uri) return { ok: false, error: 'invalid_code' };
    const accessToken = `xoxp-oidc-${randomBytes(12).toString('hex')}`;
    tokens.set(accessToken, grant);
    const claims = { iss: 'https://slack.com', sub: grant.userId, aud: client.id, 'https://slack.com/user_id': grant.userId, 'https://slack.com/team_id': grant.teamId, ...(grant.nonce ? { nonce: grant.nonce } : {}) };
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return { ok: true, access_token: accessToken, token_type: 'Bearer', id_token: `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl` };
  }

  function userInfo(req: IncomingMessage): unknown {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) return { ok: false, error: 'not_authed' };
    const grant = tokens.get(bearer);
    if (!grant) return { ok: false, error: 'invalid_auth' };
    return { ok: true, sub: grant.userId, 'https://slack.com/user_id': grant.userId, 'https://slack.com/team_id': grant.teamId, name: grant.userId.toLowerCase() };
  }

  function signInAs(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', base);
    const user = url.searchParams.get('user') ?? '';
    const team = url.searchParams.get('team') ?? '';
    res.writeHead(200, { 'Set-Cookie': `${SIGNED_IN}=${team}:${user}; Path=/; HttpOnly`, 'Content-Type': 'text/plain' }).end('signed in');
  }

  return {
    authorizeUrl: `${base}/openid/connect/authorize`,
    signInUrl: (userId, teamId) => `${base}/test/sign-in-as?user=${encodeURIComponent(userId)}&team=${encodeURIComponent(teamId)}`,
    authorizeRequests,
    page(req, res, path) {
      if (req.method !== 'GET') return false;
      if (path === '/openid/connect/authorize') return authorize(req, res), true;
      if (path === '/test/sign-in-as') return signInAs(req, res), true;
      return false;
    },
    api(req, method, body) {
      if (method === 'openid.connect.token') return token(body);
      if (method === 'openid.connect.userInfo') return userInfo(req);
      return undefined;
    },
  };
}
