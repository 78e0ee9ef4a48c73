/**
 * Use case: an action needs a connection the user has not authorized. Keep the request so it can
 * run once they connect, make sure the account exists at the agent-auth service, and mint the
 * bot's own single-use, expiring link bound to this user. Each link spends from the user's
 * `connect_link` budget first (it ends in a DM): over it, OverBudgetError and no link.
 */
import type { AgentAuth } from '../agentAuth/port.ts';
import type { SlackUser } from '../core/slackUser.ts';
import { charge, UNLIMITED_BUDGETS, type UserBudgets } from './budgets.ts';
import type { AuthLinkStore, KeptRequestStore, ReplyThread } from './ports.ts';
import { hashToken, newSecretToken } from './secrets.ts';

export const LINK_TTL_MS = 10 * 60_000;
export const KEPT_REQUEST_TTL_MS = 15 * 60_000;

export interface AuthorizationRequest {
  requester: SlackUser;
  identifier: string;
  connection: string;
  /** The request to carry out once connected. */
  action: string;
  input: unknown;
  /** The conversation thread to answer in once connected; the DM when absent. */
  replyIn?: ReplyThread | undefined;
}

export interface PendingAuthorization {
  linkUrl: string;
  linkExpiresAt: Date;
  /** The account was connected once and is now expired, disconnected, refused or short of a scope. */
  reconnect: boolean;
  /** The request kept to run once connected (absent for a link with no request waiting on it). */
  keptRequestId?: string;
}

export class RequestAuthorization {
  private readonly deps: {
    agentAuth: AgentAuth;
    links: AuthLinkStore;
    keptRequests: KeptRequestStore;
    publicUrl: string;
    now: () => Date;
    /** Unlimited when not given. */
    budgets?: UserBudgets;
  };

  constructor(deps: RequestAuthorization['deps']) {
    this.deps = deps;
  }

  async run(request: AuthorizationRequest): Promise<PendingAuthorization> {
    await charge(this.deps.budgets ?? UNLIMITED_BUDGETS, request.requester, 'connect_link');
    const { agentAuth, keptRequests } = this.deps;
    const now = this.deps.now();
    const ref = { connection: request.connection, identifier: request.identifier };
    const status = await agentAuth.ensureAccount(ref);
    const kept = await keptRequests.keep(
      {
        identifier: request.identifier,
        connection: request.connection,
        requester: request.requester,
        action: request.action,
        input: request.input,
        expiresAt: new Date(now.getTime() + KEPT_REQUEST_TTL_MS),
        ...(request.replyIn ? { replyIn: request.replyIn } : {}),
      },
      now,
    );
    return { ...(await this.mintLink(request, status, now)), keptRequestId: kept.id };
  }

  /** A link to connect (or reconnect) with no request waiting on it, e.g. from the App Home. */
  async linkOnly(request: Omit<AuthorizationRequest, 'action' | 'input'>): Promise<PendingAuthorization> {
    await charge(this.deps.budgets ?? UNLIMITED_BUDGETS, request.requester, 'connect_link');
    const now = this.deps.now();
    const status = await this.deps.agentAuth.ensureAccount({ connection: request.connection, identifier: request.identifier });
    return this.mintLink(request, status, now);
  }

  private async mintLink(
    request: Omit<AuthorizationRequest, 'action' | 'input'>,
    status: string,
    now: Date,
  ): Promise<PendingAuthorization> {
    const token = newSecretToken();
    const linkExpiresAt = new Date(now.getTime() + LINK_TTL_MS);
    await this.deps.links.create(
      hashToken(token),
      { identifier: request.identifier, connection: request.connection, requester: request.requester, expiresAt: linkExpiresAt },
      now,
    );
    return {
      linkUrl: `${this.deps.publicUrl}/connect/${token}`,
      linkExpiresAt,
      // An ACTIVE account that still needs authorizing holds a grant the provider refused or that
      // lacks a scope (e.g. Gmail read-only for Mark as read): the user connected once, so reconnect.
      reconnect: status === 'ACTIVE' || status === 'EXPIRED' || status === 'DISCONNECTED',
    };
  }
}
