/**
 * What the actions need from storage, as interfaces; the storage layer implements them.
 */
import type { SlackUser } from '../core/slackUser.ts';

export interface UserDirectory {
  /** The stable connected-account identifier for a Slack user, stored on first sight. */
  identifierFor(user: SlackUser): Promise<string>;
  /**
   * Forgets the user, once they have no connected account left. The identifier is derived, so a
   * later `identifierFor` stores the same one again.
   */
  forget(user: SlackUser): Promise<void>;
}

/** A request that could not run until the user authorized a connection. */
export interface KeptRequest {
  id: string;
  identifier: string;
  connection: string;
  requester: SlackUser;
  action: string;
  input: unknown;
  createdAt: Date;
  expiresAt: Date;
  /** Where the answer goes once connected: the conversation thread it was asked in (else the DM). */
  replyIn?: ReplyThread | undefined;
}

/** A thread in Slack: its channel and its parent message's ts. */
export interface ReplyThread {
  channel: string;
  threadTs: string;
}

export interface KeptRequestStore {
  keep(request: Omit<KeptRequest, 'id' | 'createdAt'>, now: Date): Promise<KeptRequest>;
  /**
   * Atomically takes the waiting, unexpired requests for an account (and any whose runner's lease
   * ran out, because that instance died), leased until `now + leaseMs`, so each runs once.
   */
  claimWaiting(identifier: string, connection: string, now: Date, leaseMs?: number): Promise<KeptRequest[]>;
  /**
   * Marks up to `limit` waiting requests whose time ran out as expired and returns them: each is
   * returned once (whichever instance takes it), so its requester is told once that it was dropped.
   */
  expireDue(now: Date, limit?: number): Promise<KeptRequest[]>;
  /** The accounts that have requests waiting (or abandoned by a dead instance). */
  accountsAwaiting(now: Date): Promise<Array<{ identifier: string; connection: string }>>;
  finish(id: string, outcome: 'done' | 'failed', now: Date): Promise<void>;
}

/** The bot's own single-use, expiring link that a DM carries, bound to one Slack user. */
export interface AuthLinkRecord {
  identifier: string;
  connection: string;
  requester: SlackUser;
  expiresAt: Date;
}

export interface AuthLinkStore {
  create(tokenHash: string, record: AuthLinkRecord, now: Date): Promise<void>;
  /** The link if it exists, is unused and unexpired; does not use it up. */
  peek(tokenHash: string, now: Date): Promise<AuthLinkRecord | undefined>;
  /** Marks the link used; false if it was used (or expired) meanwhile. */
  consume(tokenHash: string, now: Date): Promise<boolean>;
}

/** Binds a browser (by a cookie) to the Slack user whose link it opened. */
export interface AuthSessionRecord {
  stateHash: string;
  identifier: string;
  connection: string;
  requester: SlackUser;
  expiresAt: Date;
}

export interface AuthSessionStore {
  create(sessionHash: string, record: AuthSessionRecord, now: Date): Promise<void>;
  /**
   * Takes the session for completion, once, and only when `stateHash` is its own: unknown, expired,
   * completed or other-state sessions give undefined and are left as they were.
   */
  complete(sessionHash: string, stateHash: string, now: Date): Promise<AuthSessionRecord | undefined>;
}

/** Who a Slack sign-in says the browser belongs to. */
export interface SlackIdentity {
  userId: string;
  teamId: string;
}

/** Sign in with Slack (OpenID Connect): proves which Slack user a browser belongs to. */
export interface SlackSignInPort {
  authorizeUrl(flow: { redirectUri: string; state: string; nonce: string; teamId: string }): string;
  /** Throws BadInputError when Slack refuses the code. */
  identify(code: string, redirectUri: string, nonce: string): Promise<SlackIdentity>;
}
