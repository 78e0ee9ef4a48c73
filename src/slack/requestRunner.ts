/**
 * Runs an action for a Slack user after Slack has been acknowledged, and makes sure the user
 * hears back whatever happens: the result, an authorization prompt in their DM (with a private
 * note where they asked), or a clear message. The one place errors become user-facing text.
 */
import { audited, type AuditLog, type AuditSubject, type RunOutcome } from '../actions/audit.ts';
import { charge, type UserBudgets } from '../actions/budgets.ts';
import type { ActionCatalog } from '../actions/catalog.ts';
import type { UserDirectory, ReplyThread } from '../actions/ports.ts';
import type { RequestAuthorization } from '../actions/requestAuthorization.ts';
import { asAppError, type AppError } from '../core/errors.ts';
import type { SlackUser } from '../core/slackUser.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { buildAuthorizationPrompt, buildDmWaitingNotice } from './blocks/authorizationPrompt.ts';
import { userMessageFor } from './errorMessages.ts';
import { presenterFor } from './presenters.ts';
import { dmReply, type Reply } from './replies.ts';
import type { SlackClients } from './slackClients.ts';

export interface ActionRequest {
  action: string;
  input: unknown;
}

export interface RequestRunnerDeps {
  catalog: ActionCatalog;
  users: UserDirectory;
  /** Every action run is recorded here: who, what, which connection, when, how it ended. */
  audit: AuditLog;
  requestAuthorization: RequestAuthorization;
  /** Each request spends from the user's allowance for its action's kind before anything upstream. */
  budgets: UserBudgets;
  /** The client of each user's workspace. */
  clients: SlackClients;
  logger: Logger;
  now: () => Date;
}

export class RequestRunner {
  private readonly deps: RequestRunnerDeps;

  constructor(deps: RequestRunnerDeps) {
    this.deps = deps;
  }

  /**
   * `onResult`, when given, shows the result instead of `reply` (e.g. by replacing the message a
   * button was on); prompts and errors still go to `reply`.
   */
  async run(
    user: SlackUser,
    request: ActionRequest,
    reply: Reply,
    onResult?: (result: unknown) => Promise<void>,
    /**
     * `signal`: the user stopped the request. `promptInReply`: `reply` is already the user's own DM
     * (an agent conversation), so the connect button goes there instead of a separate DM.
     * `replyIn`: the conversation thread a request kept for a connection is answered in.
     * `onKept`: hears the kept request's id before the connect button is shown (a plan waits on it).
     * `alreadyCharged`: a second request made for the same click, whose budget the first one spent.
     */
    options: { signal?: AbortSignal; promptInReply?: boolean; replyIn?: ReplyThread; onKept?: (keptRequestId: string) => Promise<void>; alreadyCharged?: boolean } = {},
  ): Promise<void> {
    let subject: AuditSubject;
    try {
      if (!options.alreadyCharged) await charge(this.deps.budgets, user, this.deps.catalog.get(request.action).budget);
      const identifier = await this.deps.users.identifierFor(user);
      subject = {
        identifier,
        slackUserId: user.userId,
        teamId: user.teamId,
        action: request.action,
        connection: this.deps.catalog.get(request.action).connection,
      };
    } catch (thrown) {
      await this.fail(asAppError(thrown), request, reply);
      return;
    }
    const run = () => this.deps.catalog.run(request.action, subject.identifier, request.input, options.signal);
    const deliver = async (outcome: RunOutcome<unknown>) => {
      if (!outcome.ok) {
        const error = asAppError(outcome.error);
        if (error.code === 'NEEDS_AUTHORIZATION') await this.promptAuthorization(user, subject.identifier, request, reply, options);
        else await this.fail(error, request, reply);
        return;
      }
      try {
        if (onResult) await onResult(outcome.result);
        else await reply.send(presenterFor(request.action).present(outcome.result, request.input));
        this.deps.logger.info({ action: request.action, user: user.userId }, 'action answered');
      } catch (thrown) {
        await this.fail(asAppError(thrown), request, reply);
      }
    };
    await audited(this.deps.audit, subject, this.deps.now, run, deliver, (err) =>
      this.deps.logger.warn({ err }, 'recording an action in the audit log failed'),
    );
  }

  /** Whether the action changes something in the user's accounts (see ActionDefinition.effect). */
  writes(action: string): boolean {
    return this.deps.catalog.get(action).effect === 'write';
  }

  private async promptAuthorization(
    user: SlackUser,
    identifier: string,
    request: ActionRequest,
    reply: Reply,
    options: { promptInReply?: boolean; replyIn?: ReplyThread; onKept?: (keptRequestId: string) => Promise<void> },
  ) {
    const { replyIn } = options;
    const inReply = options.promptInReply === true;
    const presenter = presenterFor(request.action);
    const connection = this.deps.catalog.get(request.action).connection;
    try {
      const pending = await this.deps.requestAuthorization.run({
        requester: user,
        identifier,
        connection,
        action: request.action,
        input: request.input,
        ...(replyIn ? { replyIn } : {}),
      });
      if (pending.keptRequestId && options.onKept) await options.onKept(pending.keptRequestId);
      const minutes = Math.round((pending.linkExpiresAt.getTime() - this.deps.now().getTime()) / 60_000);
      const prompt = buildAuthorizationPrompt({
        connectorLabel: presenter.connectorLabel,
        url: pending.linkUrl,
        expiresInMinutes: minutes,
        purpose: presenter.purpose,
        reconnect: pending.reconnect,
      });
      if (inReply) {
        await reply.send(prompt);
      } else {
        await dmReply(await this.deps.clients.forWorkspace(user), user.userId).send(prompt);
        await reply.send(buildDmWaitingNotice(presenter.connectorLabel));
      }
      this.deps.logger.info({ action: request.action, user: user.userId, connection }, 'authorization requested');
    } catch (thrown) {
      await this.fail(asAppError(thrown), request, reply);
    }
  }

  private async fail(error: AppError, request: ActionRequest, reply: Reply) {
    const log = error.code === 'INTERNAL' ? 'error' : error.code === 'STOPPED' ? 'info' : 'warn';
    this.deps.logger[log]({ err: error, action: request.action }, 'action failed');
    const presenter = presenterFor(request.action);
    await reply.send({ text: userMessageFor(error, { connectorLabel: presenter.connectorLabel }) });
  }
}
