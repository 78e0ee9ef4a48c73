/**
 * The "Add to Slack" side of the Slack stand-in, as Slack documents it
 * (https://docs.slack.dev/authentication/installing-with-oauth, /reference/methods/oauth.v2.access,
 * /authentication/using-token-rotation):
 *
 * - GET /oauth/v2/authorize?client_id&scope&state&redirect_uri: Slack's authorize page. The person
 *   approving is whoever the test named with `approveAs` (a workspace, or an org for an org-wide
 *   install); the page sends the browser back to redirect_uri with `code` and `state`, or with
 *   `error=access_denied` when nobody was named.
 * - POST /api/oauth.v2.access: the app's client_id and client_secret in the form body or as HTTP
 *   Basic; `grant_type` authorization_code (the default; the code single use, bound to its
 *   redirect_uri) or refresh_token (the refresh token single use). Answers with access_token,
 *   token_type bot, scope, bot_user_id, app_id, team (null for an org-wide install), enterprise,
 *   is_enterprise_install and authed_user, and with token rotation expires_in and refresh_token.
 *   Errors are Slack's: HTTP 200 with ok:false (invalid_client_id, bad_client_secret, invalid_code,
 *   bad_redirect_uri, invalid_refresh_token, invalid_grant_type).
 *
 * Each bot token issued is known by workspace, so the rest of the stand-in answers per token
 * (auth.test says whose it is) and refuses an expired one with `token_expired`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface InstallingWorkspace {
  teamId?: string;
  teamName?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** An org-wide install on Enterprise Grid: one token for every workspace of the org. */
  orgWide?: boolean;
  /** Who pressed Allow. */
  installerUserId?: string;
  /** Token rotation on: tokens last this long, with a refresh token. */
  rotation?: { expiresInSeconds: number; refreshedExpiresInSeconds?: number };
}

export interface IssuedToken {
  token: string;
  teamId: string | undefined;
  teamName: string | undefined;
  enterpriseId: string | undefined;
  enterpriseName: string | undefined;
  isEnterpriseInstall: boolean;
  botUserId: string;
  botId: string;
  /** Epoch ms; undefined: does not expire. */
  expiresAt: number | undefined;
  revoked: boolean;
}

export interface SlackOAuthInstall {
  authorizeUrl: string;
  /** The next visit to the authorize page is approved as this workspace (or org). */
  approveAs(workspace: InstallingWorkspace | undefined): void;
  /** What the authorize page was asked (its query), newest last. */
  authorizeVisits: URLSearchParams[];
  /** Every bot token issued, by token. */
  tokens: Map<string, IssuedToken>;
  /** Every oauth.v2.access refresh attempt, and whether it was honoured. */
  refreshes: Array<{ refreshToken: string; ok: boolean; error?: string }>;
  /** Makes a token expire now (Slack then answers token_expired). */
  expire(token: string): void;
  page(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  api(req: IncomingMessage, method: string, body: Record<string, unknown>): unknown;
}

export const APP_ID = 'A0APP';

export function slackOAuthInstall(base: string, client: { id: string; secret: string }, scopes: { granted?: string }): SlackOAuthInstall {
  const codes = new Map<string, { workspace: InstallingWorkspace; redirectUri: string | undefined; scope: string }>();
  const refreshTokens = new Map<string, { issued: IssuedToken; workspace: InstallingWorkspace; scope: string; spent: boolean }>();
  const tokens = new Map<string, IssuedToken>();
  const refreshes: SlackOAuthInstall['refreshes'] = [];
  const authorizeVisits: URLSearchParams[] = [];
  let approver: InstallingWorkspace | undefined;
  const secret = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

  function issue(workspace: InstallingWorkspace, scope: string): Record<string, unknown> {
    const orgWide = workspace.orgWide === true;
    const owner = orgWide ? workspace.enterpriseId : workspace.teamId;
    const rotation = workspace.rotation;
    const token = rotation ? secret(`xoxe.xoxb-1-${owner}-`) : secret(`xoxb-${owner}-`);
    const issued: IssuedToken = {
      token,
      teamId: orgWide ? undefined : workspace.teamId,
      teamName: orgWide ? undefined : (workspace.teamName ?? workspace.teamId),
      enterpriseId: workspace.enterpriseId,
      enterpriseName: workspace.enterpriseId ? (workspace.enterpriseName ?? workspace.enterpriseId) : undefined,
      isEnterpriseInstall: orgWide,
      botUserId: `U${owner}BOT`,
      botId: `B${owner}`,
      expiresAt: rotation ? Date.now() + rotation.expiresInSeconds * 1000 : undefined,
      revoked: false,
    };
    tokens.set(token, issued);
    const answer: Record<string, unknown> = {
      access_token: token,
      token_type: 'bot',
      scope,
      bot_user_id: issued.botUserId,
      app_id: APP_ID,
      team: orgWide ? null : { id: workspace.teamId, name: issued.teamName },
      enterprise: workspace.enterpriseId ? { id: workspace.enterpriseId, name: issued.enterpriseName } : null,
      is_enterprise_install: orgWide,
      authed_user: { id: workspace.installerUserId ?? 'U0INSTALLER' },
    };
    if (rotation) {
      const refreshToken = secret('xoxe-1-');
      refreshTokens.set(refreshToken, { issued, workspace, scope, spent: false });
      answer.expires_in = rotation.expiresInSeconds;
      answer.refresh_token = refreshToken;
    }
    return answer;
  }

  function clientOf(req: IncomingMessage, body: Record<string, unknown>): { id: unknown; secret: unknown } {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(rest.join(':')) };
    }
    return { id: body.client_id, secret: body.client_secret };
  }

  function access(req: IncomingMessage, body: Record<string, unknown>): unknown {
    const caller = clientOf(req, body);
    if (caller.id !== client.id) return { ok: false, error: 'invalid_client_id' };
    if (caller.secret !== client.secret) return { ok: false, error: 'bad_client_secret' };
    const grantType = String(body.grant_type ?? 'authorization_code');
    if (grantType === 'authorization_code') {
      const grant = codes.get(String(body.code ?? ''));
      if (!grant) return { ok: false, error: 'invalid_code' };
      codes.delete(String(body.code));
      if (grant.redirectUri !== undefined && body.redirect_uri !== grant.redirectUri) return { ok: false, error: 'bad_redirect_uri' };
      return { ok: true, ...issue(grant.workspace, grant.scope) };
    }
    if (grantType === 'refresh_token') {
      const refreshToken = String(body.refresh_token ?? '');
      const known = refreshTokens.get(refreshToken);
      if (!known || known.spent) {
        refreshes.push({ refreshToken, ok: false, error: 'invalid_refresh_token' });
        return { ok: false, error: 'invalid_refresh_token' };
      }
      known.spent = true;
      refreshes.push({ refreshToken, ok: true });
      const expiresIn = known.workspace.rotation?.refreshedExpiresInSeconds ?? 43_200;
      const answer = issue({ ...known.workspace, rotation: { expiresInSeconds: expiresIn } }, known.scope);
      return { ok: true, ...answer };
    }
    return { ok: false, error: 'invalid_grant_type' };
  }

  return {
    authorizeUrl: `${base}/oauth/v2/authorize`,
    authorizeVisits,
    tokens,
    refreshes,
    approveAs: (workspace) => void (approver = workspace),
    expire: (token) => {
      const known = tokens.get(token);
      if (known) known.expiresAt = Date.now() - 1;
    },
    page(req, res, path) {
      if (req.method !== 'GET' || path !== '/oauth/v2/authorize') return false;
      const query = new URL(req.url ?? '/', base).searchParams;
      authorizeVisits.push(query);
      const redirectUri = query.get('redirect_uri');
      if (query.get('client_id') !== client.id || !redirectUri) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end('invalid client_id or redirect_uri');
        return true;
      }
      const back = new URL(redirectUri);
      const state = query.get('state');
      if (approver) {
        const code = secret('code-');
        codes.set(code, { workspace: approver, redirectUri, scope: scopes.granted ?? query.get('scope') ?? '' });
        back.searchParams.set('code', code);
      } else {
        back.searchParams.set('error', 'access_denied');
      }
      if (state) back.searchParams.set('state', state);
      res.writeHead(302, { Location: back.toString() }).end();
      return true;
    },
    api(req, method, body) {
      return method === 'oauth.v2.access' ? access(req, body) : undefined;
    },
  };
}
