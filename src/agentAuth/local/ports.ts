/**
 * What the built-in agent-auth backend needs from the outside: a connector's OAuth description
 * (with this deployment's client credentials), and storage for connected accounts and for the
 * authorization flows under way. Storage only ever sees sealed (encrypted) tokens and verifiers.
 */
import type { AccountRef } from '../port.ts';

/** One connector as the OAuth flow needs it; the connectors layer describes it as data. */
export interface OAuthConnector {
  /** e.g. "Gmail" */
  label: string;
  /** e.g. "Google" */
  providerLabel: string;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string | undefined;
  /** What the connection needs; a grant without all of them is refused. */
  scopes: readonly string[];
  /**
   * OpenID Connect scopes (e.g. `openid email`) asked for beside `scopes`, only to learn the
   * account's address from the ID token; none when unset.
   */
  identityScopes?: readonly string[] | undefined;
  authorizationParams: Readonly<Record<string, string>>;
  clientId: string;
  clientSecret: string;
}

export type LocalAccountStatus = 'ACTIVE' | 'PENDING_AUTH' | 'EXPIRED' | 'DISCONNECTED';

export interface StoredAccount {
  status: LocalAccountStatus;
  /** Sealed by the token vault; never plain text. */
  accessToken: string | undefined;
  refreshToken: string | undefined;
  expiresAt: Date | undefined;
  /** As the provider reported them; empty when it did not say. */
  scopes: string[];
}

export interface SealedTokens {
  accessToken: string;
  /** Undefined: keep the refresh token already stored (the provider sent none this time). */
  refreshToken: string | undefined;
  expiresAt: Date | undefined;
  /** Undefined: keep the scopes already stored. */
  scopes: string[] | undefined;
}

export interface ConnectedAccountStore {
  find(ref: AccountRef): Promise<StoredAccount | undefined>;
  /** Finds the account, creating it as PENDING_AUTH if missing. */
  ensure(ref: AccountRef, now: Date): Promise<StoredAccount>;
  /** After an authorization: stores the tokens and makes the account ACTIVE, whatever it was. */
  saveAuthorized(ref: AccountRef, tokens: SealedTokens, now: Date): Promise<void>;
  /** After a refresh: stores the tokens only while the account is still ACTIVE. */
  saveRefreshed(ref: AccountRef, tokens: SealedTokens, now: Date): Promise<boolean>;
  /** Forgets the tokens and marks the account EXPIRED (the grant is gone; the user must authorize again). */
  expire(ref: AccountRef, now: Date): Promise<void>;
  /**
   * Keeps a replaced grant's refresh token (sealed, as it was stored) for a later revocation: the
   * provider could not be reached to revoke it when the account was connected again.
   */
  keepForRevocation(ref: AccountRef, sealedRefreshToken: string): Promise<void>;
  /** Replaced grants still waiting for their revocation, a few at a time. */
  pendingRevocations(limit: number): Promise<Array<{ ref: AccountRef; sealedRefreshToken: string }>>;
  /** The provider revoked it (or it can never be revoked): forget it, unless another took its place. */
  revocationDone(ref: AccountRef, sealedRefreshToken: string): Promise<void>;
  /** Deletes the account and its tokens (a disconnect: the next `ensure` starts afresh, as with Scalekit). */
  remove(ref: AccountRef): Promise<void>;
  /**
   * Takes the account's refresh lease for `owner` until `until`, if the account is ACTIVE and no
   * unexpired lease is held; returns the account as it is then, or undefined when not taken.
   * The lease is what keeps two instances of the bot from refreshing one account at once.
   */
  takeRefreshLease(ref: AccountRef, owner: string, now: Date, until: Date): Promise<StoredAccount | undefined>;
  /** Releases the lease only if `owner` still holds it (compare-and-delete). */
  releaseRefreshLease(ref: AccountRef, owner: string): Promise<void>;
}

export interface PendingFlow {
  ref: AccountRef;
  /** The PKCE code verifier, sealed. */
  codeVerifier: string;
  /** Sent again with the code exchange; it must match the one in the authorization request. */
  redirectUri: string;
  expiresAt: Date;
}

export interface OAuthFlowStore {
  /** Keyed by the hash of the flow's `state`; the state itself is never stored. */
  create(stateHash: string, flow: PendingFlow, now: Date): Promise<void>;
  /**
   * Uses the flow up, once: undefined when it is unknown, used, expired or belongs to another
   * account (in which case it is left as it is).
   */
  consume(stateHash: string, ref: AccountRef, now: Date): Promise<PendingFlow | undefined>;
}
