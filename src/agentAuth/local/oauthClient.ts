/**
 * Ours rather than oauth4webapi or openid-client: both refuse the whole code exchange when an ID
 * token's issuer is not the one configured, while the account's address is optional to us (a grant
 * must never fail over it); the exchange itself is a form POST, and our retries and coded errors
 * wrap it as they wrap every upstream.
 *
 * The client side of OAuth 2.0 (RFC 6749) for one described connector: the authorization URL with
 * PKCE S256 (RFC 7636), the code exchange, refresh and revocation (RFC 7009). Token requests are
 * form-encoded POSTs with the client credentials in the body (RFC 6749 §2.3.1, which Google takes).
 * Network failures, 5xx and 429 are retried a few times with backoff; a refusal (`invalid_grant`,
 * `invalid_client`, ...) is never retried: it is thrown as an OAuthRefusalError for the caller to judge.
 */
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { AppError, RateLimitedError, UpstreamUnavailableError } from '../../core/errors.ts';
import { retry, type RetryPolicy } from '../../infrastructure/http/retry.ts';
import { parseRetryAfter } from '../../infrastructure/http/retryAfter.ts';
import type { OAuthConnector } from './ports.ts';

export interface TokenSet {
  accessToken: string;
  refreshToken: string | undefined;
  expiresInSeconds: number | undefined;
  /** Granted scopes, when the provider says (Google always does). */
  scopes: string[] | undefined;
  /** The OpenID Connect ID token, when identity scopes were asked for: a secret like the others, never logged. */
  idToken: string | undefined;
}

/** The provider answered a token request with an OAuth error, e.g. `invalid_grant`. */
export class OAuthRefusalError extends AppError {
  readonly oauthError: string;
  readonly status: number;

  constructor(provider: string, oauthError: string, status: number) {
    super('UPSTREAM_UNAUTHORIZED', `${provider} refused the token request: ${oauthError} (HTTP ${status})`);
    this.oauthError = oauthError;
    this.status = status;
  }
}

/** Worth another attempt; becomes a coded error once the retries are spent. */
class TransientFailure extends Error {
  readonly retryAfterMs: number | undefined;
  readonly rateLimited: boolean;

  constructor(message: string, options: { retryAfterMs?: number | undefined; rateLimited?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.rateLimited = options.rateLimited ?? false;
  }
}

export interface OAuthClientOptions {
  dispatcher?: Dispatcher;
  retry?: RetryPolicy;
  /** Per attempt. Attempts and waits together stay well under the refresh lease (30 s). */
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_TOKEN_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 300, maxDelayMs: 2_000 };

const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().optional(),
  scope: z.string().optional(),
  id_token: z.string().min(1).optional(),
});

const errorAnswerSchema = z.object({ error: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });

export class OAuthClient {
  private readonly options: OAuthClientOptions;

  constructor(options: OAuthClientOptions = {}) {
    this.options = options;
  }

  authorizationUrl(connector: OAuthConnector, flow: { redirectUri: string; state: string; codeChallenge: string }): string {
    const url = new URL(connector.authorizationUrl);
    const params: Record<string, string> = {
      client_id: connector.clientId,
      redirect_uri: flow.redirectUri,
      response_type: 'code',
      scope: [...connector.scopes, ...(connector.identityScopes ?? [])].join(' '),
      state: flow.state,
      code_challenge: flow.codeChallenge,
      code_challenge_method: 'S256',
      ...connector.authorizationParams,
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  exchangeCode(connector: OAuthConnector, grant: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenSet> {
    return this.tokenRequest(connector, 'exchanging the authorization code', {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: grant.redirectUri,
      code_verifier: grant.codeVerifier,
    });
  }

  refresh(connector: OAuthConnector, refreshToken: string): Promise<TokenSet> {
    return this.tokenRequest(connector, 'refreshing the access token', { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revokes a token (for Google, a refresh token revokes the whole grant). An unknown token counts as revoked. */
  async revoke(connector: OAuthConnector, token: string): Promise<void> {
    if (!connector.revocationUrl) return;
    const url = connector.revocationUrl;
    await this.withRetries(connector, 'revoking the token', async () => {
      const answer = await this.post(url, { token }, 'revoking the token');
      if (answer.status >= 200 && answer.status < 300) return;
      const refusal = this.failureFor(connector, 'revoking the token', answer);
      if (refusal instanceof OAuthRefusalError && refusal.oauthError === 'invalid_token') return;
      throw refusal;
    });
  }

  private async tokenRequest(connector: OAuthConnector, step: string, grant: Record<string, string>): Promise<TokenSet> {
    const form = { ...grant, client_id: connector.clientId, client_secret: connector.clientSecret };
    return this.withRetries(connector, step, async () => {
      const answer = await this.post(connector.tokenUrl, form, step);
      if (answer.status < 200 || answer.status >= 300) throw this.failureFor(connector, step, answer);
      const parsed = tokenAnswerSchema.safeParse(parseJson(answer.text));
      if (!parsed.success) throw new UpstreamUnavailableError(connector.providerLabel, `${step} got an unreadable answer`);
      const scope = parsed.data.scope?.trim();
      return {
        accessToken: parsed.data.access_token,
        refreshToken: parsed.data.refresh_token,
        expiresInSeconds: parsed.data.expires_in,
        scopes: scope ? scope.split(/\s+/) : undefined,
        idToken: parsed.data.id_token,
      };
    });
  }

  private async post(url: string, form: Record<string, string>, step: string): Promise<Answer> {
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        dispatcher: this.options.dispatcher,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 5_000),
      });
      return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
    } catch (error) {
      throw new TransientFailure(`${step} got no answer`, { cause: error });
    }
  }

  /** A non-2xx answer as the error to throw: transient ones are retried, refusals are not. */
  private failureFor(connector: OAuthConnector, step: string, answer: Answer): Error {
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after']);
    if (answer.status === 429) return new TransientFailure(`${step} was rate limited`, { retryAfterMs, rateLimited: true });
    if (answer.status >= 500 || answer.status === 408) {
      return new TransientFailure(`${step} failed with HTTP ${answer.status}`, { retryAfterMs });
    }
    const oauthError = errorAnswerSchema.safeParse(parseJson(answer.text));
    return new OAuthRefusalError(connector.providerLabel, oauthError.success ? oauthError.data.error : `http_${answer.status}`, answer.status);
  }

  private async withRetries<T>(connector: OAuthConnector, step: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await retry(operation, {
        ...(this.options.retry ?? DEFAULT_TOKEN_RETRY),
        shouldRetry: (error) => (error instanceof TransientFailure ? { retryAfterMs: error.retryAfterMs } : false),
        sleep: this.options.sleep,
      });
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      if (error.rateLimited) throw new RateLimitedError(connector.providerLabel, error.retryAfterMs);
      throw new UpstreamUnavailableError(connector.providerLabel, error.message, { cause: error.cause });
    }
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
