/**
 * Use case: the browser side of connecting an account. Opening the DM'd link binds that browser
 * (by a session cookie) to the link's Slack user and sends it to the agent-auth service; when the
 * browser comes back, the session proves whose it is before the authorization is completed.
 * A link opened twice, too late, or a return from a browser that never opened the link, connects
 * nothing.
 */
import type { AgentAuth, AccountStatus } from '../agentAuth/port.ts';
import { BadInputError } from '../core/errors.ts';
import type { SlackUser } from '../core/slackUser.ts';
import type { AuthLinkStore, AuthSessionStore } from './ports.ts';
import { hashToken, newSecretToken } from './secrets.ts';

export const SESSION_TTL_MS = 15 * 60_000;

export type LinkRefusal = 'unknown-or-used' | 'expired';

export interface OpenedLink {
  redirectUrl: string;
  sessionToken: string;
  sessionExpiresAt: Date;
}

export interface CompletedAuthorization {
  requester: SlackUser;
  identifier: string;
  connection: string;
  status: AccountStatus;
}

export class BrowserAuthorization {
  private readonly deps: {
    agentAuth: AgentAuth;
    links: AuthLinkStore;
    sessions: AuthSessionStore;
    returnUrl: string;
    now: () => Date;
  };

  constructor(deps: BrowserAuthorization['deps']) {
    this.deps = deps;
  }

  /** Undefined when the link is unknown, used or expired. */
  async openLink(linkToken: string): Promise<OpenedLink | undefined> {
    const { links, sessions, agentAuth } = this.deps;
    const linkHash = hashToken(linkToken);
    const link = await links.peek(linkHash, this.deps.now());
    if (!link) return undefined;
    const state = newSecretToken();
    // Ask the agent-auth service first, so an outage there does not use the link up.
    const target = await agentAuth.createAuthorizationLink(
      { connection: link.connection, identifier: link.identifier },
      { returnUrl: this.deps.returnUrl, state },
    );
    const now = this.deps.now();
    if (!(await links.consume(linkHash, now))) return undefined;
    const sessionToken = newSecretToken();
    const sessionExpiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await sessions.create(
      hashToken(sessionToken),
      {
        stateHash: hashToken(state),
        identifier: link.identifier,
        connection: link.connection,
        requester: link.requester,
        expiresAt: sessionExpiresAt,
      },
      now,
    );
    return { redirectUrl: target.url, sessionToken, sessionExpiresAt };
  }

  /**
   * `sessionToken` comes from the browser's cookie; `query` is what the agent-auth service sent
   * the browser back with. Throws BadInputError when the browser is not the one the link bound.
   */
  async complete(sessionToken: string | undefined, query: URLSearchParams): Promise<CompletedAuthorization> {
    if (!sessionToken) throw new BadInputError('This browser did not open the connection link.');
    const session = await this.deps.sessions.complete(hashToken(sessionToken), this.deps.now());
    if (!session) throw new BadInputError('This connection attempt has expired or was already completed.');
    const state = query.get('state');
    if (state !== null && hashToken(state) !== session.stateHash) {
      throw new BadInputError('This return does not belong to the connection this browser started.');
    }
    const ref = { connection: session.connection, identifier: session.identifier };
    const status = await this.deps.agentAuth.completeAuthorization(ref, query);
    return { requester: session.requester, identifier: session.identifier, connection: session.connection, status };
  }
}
