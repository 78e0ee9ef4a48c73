/**
 * Access tokens of the built-in backend, refreshed before they run out. A refresh happens once per
 * account however many requests need it: callers in this process share one promise (single
 * flight), and across instances a lease on the account's row lets one refresh while the others wait
 * and then read its result. Freshness is checked again once the lease is held, so a refresh that
 * someone else just finished is not repeated (Nango's lesson: refresh storms lose refresh tokens).
 * `invalid_grant` means the grant is gone: the account becomes EXPIRED and the user is asked again.
 */
import { randomUUID } from 'node:crypto';
import { NeedsAuthorizationError, UpstreamUnavailableError } from '../../core/errors.ts';
import { UndecryptableError } from '../../infrastructure/crypto/keyring.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { AccessToken, AccountRef } from '../port.ts';
import { OAuthRefusalError, type OAuthClient } from './oauthClient.ts';
import type { ConnectedAccountStore, OAuthConnector, StoredAccount } from './ports.ts';
import type { TokenKind, TokenVault } from './tokenVault.ts';

export interface AccessTokensDeps {
  accounts: ConnectedAccountStore;
  vault: TokenVault;
  oauth: Pick<OAuthClient, 'refresh'>;
  now: () => Date;
  logger?: Logger | undefined;
  /** A token this close to its expiry is refreshed before use. */
  refreshMarginMs?: number;
  /** How long a refresh may hold the account's lease; longer than a refresh with all its retries. */
  leaseMs?: number;
  /** How often a caller waiting on another instance's refresh looks again. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class AccessTokens {
  private readonly deps: AccessTokensDeps;
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  /** Per account, the sealed access token last handed out, and one the provider refused. */
  private readonly handedOut = new Map<string, string>();
  private readonly rejected = new Map<string, string>();
  /**
   * Opened tokens kept in memory until shortly before they run out, so a warm request costs no
   * database read or decryption on the event loop. Another instance's refresh does not outdate
   * them (the old access token stays valid until it expires); a refusal drops them.
   */
  private readonly warm = new Map<string, { token: AccessToken; sealed: string; scopes: string[]; useUntil: number }>();

  constructor(deps: AccessTokensDeps) {
    this.deps = deps;
  }

  async get(ref: AccountRef, connector: OAuthConnector): Promise<AccessToken> {
    const cached = this.warm.get(keyOf(ref));
    if (
      cached &&
      cached.useUntil > this.deps.now().getTime() &&
      this.rejected.get(keyOf(ref)) !== cached.sealed &&
      connector.scopes.every((scope) => cached.scopes.length === 0 || cached.scopes.includes(scope))
    ) {
      return cached.token;
    }
    return this.once(ref, () => this.load(ref, connector));
  }

  /** The token last handed out was refused (a 401): the next `get` refreshes instead of returning it. */
  invalidate(ref: AccountRef): void {
    this.warm.delete(keyOf(ref));
    const last = this.handedOut.get(keyOf(ref));
    if (last !== undefined) this.rejected.set(keyOf(ref), last);
  }

  /** Drops what is remembered about the account's tokens (after it is authorized or disconnected). */
  forget(ref: AccountRef): void {
    this.warm.delete(keyOf(ref));
    this.handedOut.delete(keyOf(ref));
    this.rejected.delete(keyOf(ref));
  }

  /**
   * Single flight per account for everything a cold request does (read the row, open or refresh
   * the token): a thousand requests for a hundred cold accounts cost a hundred reads, not a thousand.
   */
  private once(ref: AccountRef, work: () => Promise<AccessToken>): Promise<AccessToken> {
    const key = keyOf(ref);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const loading = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, loading);
    return loading;
  }

  private async load(ref: AccountRef, connector: OAuthConnector): Promise<AccessToken> {
    const account = requireActive(ref, await this.deps.accounts.find(ref));
    const missing = connector.scopes.filter((scope) => account.scopes.length > 0 && !account.scopes.includes(scope));
    // A feature needing a scope the account never got asks the user once; completing the
    // authorization without it is refused there, so this cannot prompt in a loop.
    if (missing.length > 0) throw new NeedsAuthorizationError(ref.connection, 'the account lacks a scope the connector needs');
    return this.handOutFresh(ref, account) ?? this.refreshUnderLease(ref, connector);
  }

  private async refreshUnderLease(ref: AccountRef, connector: OAuthConnector): Promise<AccessToken> {
    const { accounts } = this.deps;
    const leaseMs = this.deps.leaseMs ?? 30_000;
    const owner = randomUUID();
    // Waiting is bounded in real time: the injected clock may be a test's, standing still.
    const giveUpAt = performance.now() + leaseMs;
    for (;;) {
      const now = this.deps.now();
      const leased = await accounts.takeRefreshLease(ref, owner, now, new Date(now.getTime() + leaseMs));
      if (leased) {
        try {
          return await this.refreshLeased(ref, connector, leased);
        } finally {
          await accounts.releaseRefreshLease(ref, owner);
        }
      }
      // Not taken: the account stopped being ACTIVE, or another instance holds the lease.
      const fresh = this.handOutFresh(ref, requireActive(ref, await accounts.find(ref)));
      if (fresh) return fresh;
      if (performance.now() > giveUpAt) {
        throw new UpstreamUnavailableError(connector.providerLabel, 'another instance is still refreshing the token');
      }
      await (this.deps.sleep ?? defaultSleep)(this.deps.pollMs ?? 100);
    }
  }

  private async refreshLeased(ref: AccountRef, connector: OAuthConnector, account: StoredAccount): Promise<AccessToken> {
    const fresh = this.handOutFresh(ref, account);
    if (fresh) return fresh;
    const { accounts, vault } = this.deps;
    if (!account.refreshToken) {
      await accounts.expire(ref, this.deps.now());
      throw new NeedsAuthorizationError(ref.connection, 'the access token ran out and there is no refresh token');
    }
    const refreshToken = this.open(ref, 'refresh', account.refreshToken);
    let tokens;
    try {
      tokens = await this.deps.oauth.refresh(connector, refreshToken);
    } catch (error) {
      if (!(error instanceof OAuthRefusalError)) throw error;
      if (error.oauthError === 'invalid_grant') {
        // Revoked, expired or over the provider's limit: retrying never helps; the user must authorize again.
        await accounts.expire(ref, this.deps.now());
        this.forget(ref);
        throw new NeedsAuthorizationError(ref.connection, `${connector.providerLabel} no longer accepts the grant`);
      }
      // invalid_client and the like are this deployment's settings, not the user's grant: keep the account.
      throw new UpstreamUnavailableError(connector.providerLabel, `refreshing was refused (${error.oauthError})`, { cause: error });
    }
    const now = this.deps.now();
    const sealed = {
      accessToken: vault.sealToken(ref, 'access', tokens.accessToken),
      // A rotated refresh token replaces the old one; an unrotated one is sealed again under the newest key.
      refreshToken: vault.sealToken(ref, 'refresh', tokens.refreshToken ?? refreshToken),
      expiresAt: tokens.expiresInSeconds === undefined ? undefined : new Date(now.getTime() + tokens.expiresInSeconds * 1000),
      scopes: tokens.scopes,
    };
    if (!(await accounts.saveRefreshed(ref, sealed, now))) {
      throw new NeedsAuthorizationError(ref.connection, 'the account was disconnected while its token was refreshed');
    }
    this.rejected.delete(keyOf(ref));
    this.handedOut.set(keyOf(ref), sealed.accessToken);
    const token = { value: tokens.accessToken, expiresAt: sealed.expiresAt };
    this.keepWarm(ref, token, sealed.accessToken, sealed.scopes ?? account.scopes);
    return token;
  }

  /** The account's access token if it can be used as it is: not refused, and not about to run out. */
  private handOutFresh(ref: AccountRef, account: StoredAccount): AccessToken | undefined {
    const sealed = account.accessToken;
    if (!sealed || this.rejected.get(keyOf(ref)) === sealed) return undefined;
    // No expiry given: used until the provider refuses it.
    const margin = this.deps.refreshMarginMs ?? 60_000;
    if (account.expiresAt && account.expiresAt.getTime() - margin <= this.deps.now().getTime()) return undefined;
    const value = this.open(ref, 'access', sealed);
    this.handedOut.set(keyOf(ref), sealed);
    const token = { value, expiresAt: account.expiresAt };
    this.keepWarm(ref, token, sealed, account.scopes);
    return token;
  }

  private keepWarm(ref: AccountRef, token: AccessToken, sealed: string, scopes: string[]): void {
    const margin = this.deps.refreshMarginMs ?? 60_000;
    // A token without an expiry is re-read every few minutes rather than trusted indefinitely.
    const useUntil = token.expiresAt ? token.expiresAt.getTime() - margin : this.deps.now().getTime() + 5 * 60_000;
    this.warm.set(keyOf(ref), { token, sealed, scopes, useUntil });
  }

  /**
   * A token that cannot be opened (its key was dropped from TOKEN_ENCRYPTION_KEY, or the row was
   * altered) is as good as none: the user is asked to connect again, which overwrites it. It is not
   * deleted, so putting the old key back makes it usable again.
   */
  private open(ref: AccountRef, kind: TokenKind, sealed: string): string {
    try {
      return this.deps.vault.openToken(ref, kind, sealed);
    } catch (error) {
      if (!(error instanceof UndecryptableError)) throw error;
      this.deps.logger?.error({ connection: ref.connection, reason: error.reason, keyId: error.keyId }, 'stored token cannot be decrypted');
      throw new NeedsAuthorizationError(ref.connection, 'the stored token cannot be decrypted');
    }
  }
}

function requireActive(ref: AccountRef, account: StoredAccount | undefined): StoredAccount {
  if (!account || account.status !== 'ACTIVE') {
    throw new NeedsAuthorizationError(ref.connection, `account is ${account?.status ?? 'not created yet'}`);
  }
  return account;
}

function keyOf(ref: AccountRef): string {
  return `${ref.connection}\u0000${ref.identifier}`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
