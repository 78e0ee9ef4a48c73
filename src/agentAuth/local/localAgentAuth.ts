/**
 * The built-in agent-auth backend: the bot itself runs the OAuth 2.0 authorization-code flow with
 * PKCE against each connector's provider and keeps the tokens, encrypted, in its own database. It
 * answers the port exactly as Scalekit does, so nothing in front of it can tell which one it is.
 *
 * The browser flow around it (the DM'd single-use link, the session cookie, the callback page) is
 * the bot's own and shared with Scalekit; here are the provider side (a fresh `state` and PKCE pair
 * per opened link, checked and used up on return) and the vault.
 */
import { AppError, BadInputError } from '../../core/errors.ts';
import { UndecryptableError } from '../../infrastructure/crypto/keyring.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { AccessToken, AccountRef, AccountStatus, AgentAuth, AuthorizationLink, CompletedAccount } from '../port.ts';
import { AccessTokens } from './accessTokens.ts';
import { verifiedAddressOf } from './idToken.ts';
import { OAuthRefusalError, type OAuthClient, type TokenSet } from './oauthClient.ts';
import { codeChallengeOf, hashState, newCodeVerifier } from './pkce.ts';
import type { ConnectedAccountStore, OAuthConnector, OAuthFlowStore } from './ports.ts';
import type { TokenVault } from './tokenVault.ts';

/** How long a provider round trip may take, from opening the link to coming back. */
export const FLOW_TTL_MS = 10 * 60_000;

export interface LocalAgentAuthDeps {
  /** By connection name, e.g. `{ gmail: ... }`. */
  connectors: Record<string, OAuthConnector>;
  accounts: ConnectedAccountStore;
  flows: OAuthFlowStore;
  vault: TokenVault;
  oauth: Pick<OAuthClient, 'authorizationUrl' | 'exchangeCode' | 'refresh' | 'revoke'>;
  now: () => Date;
  logger?: Logger | undefined;
  /** Passed on to the access tokens (tests shorten the waits). */
  tokens?: { refreshMarginMs?: number; leaseMs?: number; pollMs?: number };
}

export class LocalAgentAuth implements AgentAuth {
  private readonly deps: LocalAgentAuthDeps;
  private readonly tokens: AccessTokens;

  constructor(deps: LocalAgentAuthDeps) {
    this.deps = deps;
    this.tokens = new AccessTokens({ ...deps.tokens, accounts: deps.accounts, vault: deps.vault, oauth: deps.oauth, now: deps.now, logger: deps.logger });
  }

  async ensureAccount(ref: AccountRef): Promise<AccountStatus> {
    this.connectorFor(ref);
    return (await this.deps.accounts.ensure(ref, this.deps.now())).status;
  }

  async status(ref: AccountRef): Promise<AccountStatus> {
    this.connectorFor(ref);
    return (await this.deps.accounts.find(ref))?.status ?? 'UNKNOWN';
  }

  /**
   * Warm tokens come from memory; `invalidateToken` drops the one the provider refused, so the
   * next call reads the account again and refreshes: `forceFresh` adds nothing to that.
   */
  getAccessToken(ref: AccountRef, _options?: { forceFresh?: boolean }): Promise<AccessToken> {
    return this.tokens.get(ref, this.connectorFor(ref));
  }

  invalidateToken(ref: AccountRef): void {
    this.tokens.invalidate(ref);
  }

  async createAuthorizationLink(ref: AccountRef, options: { returnUrl: string; state: string }): Promise<AuthorizationLink> {
    const connector = this.connectorFor(ref);
    const now = this.deps.now();
    const verifier = newCodeVerifier();
    const stateHash = hashState(options.state);
    const expiresAt = new Date(now.getTime() + FLOW_TTL_MS);
    // An EXPIRED account stays EXPIRED until the user finishes, so the prompt keeps saying
    // "reconnect" and an abandoned attempt changes nothing.
    await this.deps.accounts.ensure(ref, now);
    await this.deps.flows.create(
      stateHash,
      { ref, codeVerifier: this.deps.vault.sealVerifier(stateHash, verifier), redirectUri: options.returnUrl, expiresAt },
      now,
    );
    const url = this.deps.oauth.authorizationUrl(connector, {
      redirectUri: options.returnUrl,
      state: options.state,
      codeChallenge: codeChallengeOf(verifier),
    });
    return { url, expiresAt };
  }

  /**
   * The provider sent the browser back. Every refusal is a BadInputError whose message the user
   * reads on the page; until the tokens are stored, the account is left exactly as it was.
   */
  async completeAuthorization(ref: AccountRef, query: URLSearchParams): Promise<CompletedAccount> {
    const connector = this.connectorFor(ref);
    const state = query.get('state');
    if (!state) throw new BadInputError(`The return from ${connector.providerLabel} was incomplete, so nothing was connected.`);
    const stateHash = hashState(state);
    const flow = await this.deps.flows.consume(stateHash, ref, this.deps.now());
    if (!flow) throw new BadInputError('This sign-in has expired or was already used, so nothing was connected.');
    const error = query.get('error');
    if (error !== null) throw new BadInputError(declinedMessage(connector, error));
    const code = query.get('code');
    if (!code) throw new BadInputError(`The return from ${connector.providerLabel} carried no authorization, so nothing was connected.`);

    const codeVerifier = this.openVerifier(stateHash, flow.codeVerifier);
    let tokens: TokenSet;
    try {
      tokens = await this.deps.oauth.exchangeCode(connector, { code, redirectUri: flow.redirectUri, codeVerifier });
    } catch (thrown) {
      if (thrown instanceof OAuthRefusalError) throw new BadInputError(refusedMessage(connector, thrown));
      throw thrown;
    }
    // Only the connection's own scopes are required: the identity scopes (Google reports `email`
    // as `.../userinfo.email`) only name the account, so a grant without them still works.
    const missing = connector.scopes.filter((scope) => tokens.scopes !== undefined && !tokens.scopes.includes(scope));
    if (missing.length > 0) {
      // Google's consent screen lets people untick a permission; a grant without it is of no use.
      await this.deps.oauth.revoke(connector, tokens.refreshToken ?? tokens.accessToken).catch(() => undefined);
      throw new BadInputError(
        `${connector.label} was not connected: the permission it needs was not granted. Ask again and leave its box ticked on ${connector.providerLabel}'s page.`,
      );
    }
    const replaced = (await this.deps.accounts.find(ref))?.refreshToken;
    await this.store(ref, tokens);
    // Reconnecting grants anew: the old grant would stay live at the provider, unused and
    // unrevocable, so it is revoked once the new tokens are safely stored.
    if (replaced && tokens.refreshToken !== undefined) await this.revokeReplaced(ref, connector, replaced);
    return { status: 'ACTIVE', address: verifiedAddressOf(tokens.idToken, connector.clientId) };
  }

  /**
   * Revokes a replaced grant (the OAuth client retries with backoff when the provider cannot be
   * reached). Still unreachable: the sealed token is kept for `retryRevocations`, never dropped.
   */
  private async revokeReplaced(ref: AccountRef, connector: OAuthConnector, sealed: string): Promise<boolean> {
    let token: string;
    try {
      token = this.deps.vault.openToken(ref, 'refresh', sealed);
    } catch (error) {
      if (!(error instanceof UndecryptableError)) throw error;
      this.deps.logger?.warn({ connection: ref.connection, reason: error.reason }, 'cannot revoke a replaced token that cannot be decrypted');
      await this.deps.accounts.revocationDone(ref, sealed);
      return true;
    }
    try {
      await this.deps.oauth.revoke(connector, token);
    } catch (error) {
      if (!(error instanceof OAuthRefusalError)) {
        this.deps.logger?.warn({ err: error, connection: ref.connection }, 'revoking the replaced grant failed; kept for a later try');
        await this.deps.accounts.keepForRevocation(ref, sealed);
        return false;
      }
      // A refusal will not change on asking again.
      this.deps.logger?.warn({ connection: ref.connection, oauthError: error.oauthError }, 'the provider refused to revoke the replaced grant');
    }
    await this.deps.accounts.revocationDone(ref, sealed);
    return true;
  }

  /** Tries again to revoke replaced grants the provider could not be reached for; returns how many are done. */
  async retryRevocations(limit = 20): Promise<number> {
    let done = 0;
    for (const { ref, sealedRefreshToken } of await this.deps.accounts.pendingRevocations(limit)) {
      const connector = this.deps.connectors[ref.connection];
      if (!connector) continue;
      if (await this.revokeReplaced(ref, connector, sealedRefreshToken)) done += 1;
    }
    return done;
  }

  async disconnect(ref: AccountRef): Promise<void> {
    const connector = this.connectorFor(ref);
    const account = await this.deps.accounts.find(ref);
    if (!account) return;
    const sealed = account.refreshToken ?? account.accessToken;
    const kind = account.refreshToken ? 'refresh' : 'access';
    let token: string | undefined;
    try {
      token = sealed ? this.deps.vault.openToken(ref, kind, sealed) : undefined;
    } catch (error) {
      if (!(error instanceof UndecryptableError)) throw error;
      this.deps.logger?.warn({ connection: ref.connection, reason: error.reason }, 'cannot revoke a token that cannot be decrypted');
    }
    // Revoke first: if the provider cannot be reached the account stays as it is, so asking again
    // can still revoke; deleting first would leave a live grant nobody here could revoke. A refusal
    // will not change on asking again, so the tokens go anyway.
    if (token) {
      await this.deps.oauth.revoke(connector, token).catch((error: unknown) => {
        if (!(error instanceof OAuthRefusalError)) throw error;
        this.deps.logger?.warn({ connection: ref.connection, oauthError: error.oauthError }, 'the provider refused the revocation');
      });
    }
    await this.deps.accounts.remove(ref);
    this.tokens.forget(ref);
  }

  private async store(ref: AccountRef, tokens: TokenSet): Promise<void> {
    const { vault } = this.deps;
    const now = this.deps.now();
    await this.deps.accounts.saveAuthorized(
      ref,
      {
        accessToken: vault.sealToken(ref, 'access', tokens.accessToken),
        refreshToken: tokens.refreshToken === undefined ? undefined : vault.sealToken(ref, 'refresh', tokens.refreshToken),
        expiresAt: tokens.expiresInSeconds === undefined ? undefined : new Date(now.getTime() + tokens.expiresInSeconds * 1000),
        scopes: tokens.scopes,
      },
      now,
    );
    this.tokens.forget(ref);
  }

  private openVerifier(stateHash: string, sealed: string): string {
    try {
      return this.deps.vault.openVerifier(stateHash, sealed);
    } catch (error) {
      if (!(error instanceof UndecryptableError)) throw error;
      // Only possible if the keys changed during the few minutes of a sign-in.
      throw new BadInputError('This sign-in can no longer be completed, so nothing was connected.');
    }
  }

  private connectorFor(ref: AccountRef): OAuthConnector {
    const connector = this.deps.connectors[ref.connection];
    if (!connector) throw new AppError('INTERNAL', `no connector is configured for the connection ${ref.connection}`);
    return connector;
  }
}

function declinedMessage(connector: OAuthConnector, error: string): string {
  if (error === 'access_denied') return `You declined access to ${connector.label}, so nothing was connected.`;
  // Only a code-shaped value is repeated back: the query string is the sender's to fill.
  const code = /^[a-z_]{1,40}$/.test(error) ? ` (${error})` : '';
  return `${connector.providerLabel} could not complete the sign-in${code}, so nothing was connected.`;
}

function refusedMessage(connector: OAuthConnector, refusal: OAuthRefusalError): string {
  if (refusal.oauthError === 'invalid_grant') {
    return `${connector.providerLabel} did not accept this sign-in (it may have taken too long), so nothing was connected.`;
  }
  if (refusal.oauthError === 'invalid_client' || refusal.oauthError === 'unauthorized_client') {
    return `${connector.providerLabel} refused this bot's sign-in settings, so nothing was connected. Please tell the app's admins.`;
  }
  return `${connector.providerLabel} refused this sign-in (${refusal.oauthError}), so nothing was connected.`;
}
