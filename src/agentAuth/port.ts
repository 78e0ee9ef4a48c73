/**
 * The agent-auth port: what the actions need from a service that holds users' OAuth connections.
 * Scalekit Agent Auth is one backend; a self-hosted vault can be another. Nothing here knows Slack.
 */

export type AccountStatus =
  | 'ACTIVE'
  | 'PENDING_AUTH'
  | 'PENDING_VERIFICATION'
  | 'EXPIRED'
  | 'DISCONNECTED'
  | 'UNKNOWN';

/** One user's account on one connection (e.g. Gmail), as the backend names them. */
export interface AccountRef {
  connection: string;
  identifier: string;
}

export interface AccessToken {
  value: string;
  /** When the token stops working, if the backend says; undefined means "not told". */
  expiresAt: Date | undefined;
}

export interface AuthorizationLink {
  url: string;
  expiresAt: Date | undefined;
}

/** How an authorization ended: the account's status, and its address when the backend learnt it. */
export interface CompletedAccount {
  status: AccountStatus;
  /**
   * The provider account's address as the provider vouched for it (e.g. Google's verified email),
   * for telling the user which account they connected; undefined when the backend was not told.
   */
  address?: string | undefined;
}

export interface AgentAuth {
  /** Finds the account, creating it (not yet authorized) if it does not exist. */
  ensureAccount(ref: AccountRef): Promise<AccountStatus>;

  /** The account's status without creating it: UNKNOWN when there is none (for showing, e.g. the App Home). */
  status(ref: AccountRef): Promise<AccountStatus>;

  /**
   * A token to call the provider's API with. Throws NeedsAuthorizationError when the account is
   * not ACTIVE. Backends may cache; `forceFresh` skips any cache.
   */
  getAccessToken(ref: AccountRef, options?: { forceFresh?: boolean }): Promise<AccessToken>;

  /** Forgets a cached token that the provider refused. */
  invalidateToken(ref: AccountRef): void;

  /**
   * Where to send the user's browser to authorize. `returnUrl` is the bot's own page the
   * browser comes back to; `state` is echoed back there when the backend supports it.
   */
  createAuthorizationLink(ref: AccountRef, options: { returnUrl: string; state: string }): Promise<AuthorizationLink>;

  /**
   * Called when the browser comes back to `returnUrl`, once the bot has checked that the browser
   * belongs to the user of `ref`. `query` is the return URL's query string, as received.
   */
  completeAuthorization(ref: AccountRef, query: URLSearchParams): Promise<CompletedAccount>;

  /**
   * Gives up the account's grant: revoked at the provider where the backend can, and the tokens
   * forgotten. Disconnecting an account that does not exist is not an error.
   */
  disconnect(ref: AccountRef): Promise<void>;
}
