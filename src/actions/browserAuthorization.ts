/**
 * Use case: the browser side of connecting an account. Opening the DM'd link first proves, with
 * Sign in with Slack, that the browser belongs to the link's own Slack user in the link's own
 * workspace; only then is the link used up and the browser bound (by a session cookie) to that user
 * and sent to the agent-auth service. When the browser comes back, the session and the state prove
 * whose it is before the authorization is completed. A link opened by someone else, twice, or too
 * late, or a return from a browser that never opened the link, connects nothing.
 */
import type { AgentAuth, AccountStatus } from '../agentAuth/port.ts';
import { BadInputError } from '../core/errors.ts';
import type { SlackUser } from '../core/slackUser.ts';
import type { AuthLinkStore, AuthSessionStore, SlackIdentity, SlackSignInPort } from './ports.ts';
import { hashToken, newSecretToken } from './secrets.ts';

export const SESSION_TTL_MS = 15 * 60_000;
/** How long a browser has to finish signing in with Slack. */
export const SIGN_IN_TTL_MS = 10 * 60_000;

/** What the browser keeps (in a cookie) between the link and Slack's return. */
export interface PendingSignIn {
  linkToken: string;
  state: string;
  nonce: string;
}

export interface StartedSignIn {
  authorizeUrl: string;
  pending: PendingSignIn;
  expiresAt: Date;
}

export interface OpenedLink {
  redirectUrl: string;
  sessionToken: string;
  sessionExpiresAt: Date;
}

export type SignInOutcome =
  | { kind: 'opened'; opened: OpenedLink }
  /** Someone other than the link's owner signed in: nothing connected, the link kept for its owner. */
  | { kind: 'someone-else'; owner: SlackUser; opener: SlackIdentity }
  | { kind: 'gone' };

export interface CompletedAuthorization {
  requester: SlackUser;
  identifier: string;
  connection: string;
  status: AccountStatus;
  /** The connected account's address, when the backend learnt it: for this user's eyes only. */
  address: string | undefined;
}

/** The return does not belong to this browser's session: nothing was used up or changed. */
export class ForeignReturnError extends BadInputError {}

export class BrowserAuthorization {
  private readonly deps: {
    agentAuth: AgentAuth;
    links: AuthLinkStore;
    sessions: AuthSessionStore;
    slackSignIn: SlackSignInPort;
    returnUrl: string;
    /** Where Slack sends the browser back after signing in. */
    signInReturnUrl: string;
    now: () => Date;
  };

  constructor(deps: BrowserAuthorization['deps']) {
    this.deps = deps;
  }

  /** The first step of a link: off to Slack to sign in. Undefined when the link is unknown, used or expired. */
  async startSignIn(linkToken: string): Promise<StartedSignIn | undefined> {
    const link = await this.deps.links.peek(hashToken(linkToken), this.deps.now());
    if (!link) return undefined;
    const pending = { linkToken, state: newSecretToken(), nonce: newSecretToken() };
    const authorizeUrl = this.deps.slackSignIn.authorizeUrl({
      redirectUri: this.deps.signInReturnUrl,
      state: pending.state,
      nonce: pending.nonce,
      teamId: link.requester.teamId,
    });
    return { authorizeUrl, pending, expiresAt: new Date(this.deps.now().getTime() + SIGN_IN_TTL_MS) };
  }

  /**
   * Slack's return: `pending` from the browser's cookie, `query` from Slack. The link is used up
   * only once Slack has shown the browser to be its owner's. Throws ForeignReturnError when the
   * return is not this browser's, BadInputError when Slack refused the sign-in.
   */
  async finishSignIn(pending: PendingSignIn | undefined, query: URLSearchParams): Promise<SignInOutcome> {
    const state = query.get('state');
    if (!pending || !state || hashToken(state) !== hashToken(pending.state)) {
      throw new ForeignReturnError('This sign-in does not belong to the connection this browser started.');
    }
    const code = query.get('code');
    if (!code) throw new BadInputError('Signing in with Slack did not finish, so nothing was connected.');
    const linkHash = hashToken(pending.linkToken);
    if (!(await this.deps.links.peek(linkHash, this.deps.now()))) return { kind: 'gone' };
    const who = await this.deps.slackSignIn.identify(code, this.deps.signInReturnUrl, pending.nonce);
    // Peeked again after the sign-in: the link may have been used or expired meanwhile.
    const link = await this.deps.links.peek(linkHash, this.deps.now());
    if (!link) return { kind: 'gone' };
    if (who.userId !== link.requester.userId || who.teamId !== link.requester.teamId) {
      return { kind: 'someone-else', owner: link.requester, opener: who };
    }
    const sessionState = newSecretToken();
    // Ask the agent-auth service first, so an outage there does not use the link up.
    const target = await this.deps.agentAuth.createAuthorizationLink(
      { connection: link.connection, identifier: link.identifier },
      { returnUrl: this.deps.returnUrl, state: sessionState },
    );
    const now = this.deps.now();
    if (!(await this.deps.links.consume(linkHash, now))) return { kind: 'gone' };
    const sessionToken = newSecretToken();
    const sessionExpiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.deps.sessions.create(
      hashToken(sessionToken),
      {
        stateHash: hashToken(sessionState),
        identifier: link.identifier,
        connection: link.connection,
        requester: link.requester,
        expiresAt: sessionExpiresAt,
      },
      now,
    );
    return { kind: 'opened', opened: { redirectUrl: target.url, sessionToken, sessionExpiresAt } };
  }

  /**
   * `sessionToken` comes from the browser's cookie; `query` is what the agent-auth service sent
   * the browser back with. The session is used up only by a return carrying its own state, so a
   * forged return sent to the user's browser cancels nothing (ForeignReturnError).
   */
  async complete(sessionToken: string | undefined, query: URLSearchParams): Promise<CompletedAuthorization> {
    if (!sessionToken) throw new ForeignReturnError('This browser did not open the connection link.');
    const state = query.get('state');
    if (!state) throw new ForeignReturnError('The return from the sign-in service was incomplete, so nothing was connected.');
    const session = await this.deps.sessions.complete(hashToken(sessionToken), hashToken(state), this.deps.now());
    if (!session) {
      throw new ForeignReturnError('This return does not belong to the connection this browser started, or it has expired or was already used.');
    }
    const ref = { connection: session.connection, identifier: session.identifier };
    const { status, address } = await this.deps.agentAuth.completeAuthorization(ref, query);
    return { requester: session.requester, identifier: session.identifier, connection: session.connection, status, address };
  }
}
