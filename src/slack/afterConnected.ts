/**
 * When a user has connected an account: tell them in their DM, then carry out the requests that
 * were waiting for it and answer each there, without them asking again. A request a conversation's
 * plan waits on goes back to that conversation, which carries on from it.
 */
import type { CompletedAuthorization } from '../actions/browserAuthorization.ts';
import type { KeptRequest } from '../actions/ports.ts';
import { KEPT_REQUEST_TTL_MS } from '../actions/requestAuthorization.ts';
import type { DeliverOutcome, KeptOutcome, ResumeKeptRequests } from '../actions/resumeKeptRequests.ts';
import type { WebClient } from '@slack/web-api';
import type { BackgroundTasks } from '../infrastructure/backgroundTasks.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { buildAuthorizationDone } from './blocks/authorizationPrompt.ts';
import { userMessageFor } from './errorMessages.ts';
import { presenterFor } from './presenters.ts';
import { escapeMrkdwn } from './text/mrkdwn.ts';
import { dmReply, threadReply } from './replies.ts';
import type { SlackClients } from './slackClients.ts';

export interface AfterConnectedDeps {
  clients: SlackClients;
  resume: ResumeKeptRequests;
  tasks: BackgroundTasks;
  logger: Logger;
  connectionLabels: Record<string, string>;
  /** Shows the new status where the user looks for it (the App Home), if it is wired. */
  refreshHome?: ((user: CompletedAuthorization['requester']) => Promise<void>) | undefined;
  /** A conversation that waits on the kept request (a chat model's plan) goes on with its outcome. */
  continueConversation?: ContinueConversation | undefined;
}

/** True when a conversation took the kept request's outcome and answered in its thread. */
export type ContinueConversation = (client: WebClient, request: KeptRequest, outcome: KeptOutcome) => Promise<boolean>;

export function afterConnected(deps: AfterConnectedDeps): (completed: CompletedAuthorization) => void {
  const deliver = deliverKeptOutcome(deps);
  return (completed) =>
    deps.tasks.run('after connected', async () => {
      const connectorLabel = deps.connectionLabels[completed.connection] ?? completed.connection;
      const client = await deps.clients.forWorkspace(completed.requester);
      await dmReply(client, completed.requester.userId).send(buildAuthorizationDone({ connectorLabel, connection: completed.connection, address: completed.address }));
      await deps.refreshHome?.(completed.requester).catch((err: unknown) => deps.logger.warn({ err }, 'refreshing the Home tab failed'));
      const count = await deps.resume.run(completed.identifier, completed.connection, deliver);
      deps.logger.info({ user: completed.requester.userId, count }, 'kept requests carried out');
    });
}

/**
 * Answers a kept request where it was asked: in its conversation thread when it came from one (the
 * agent's Messages tab), else in the requester's DM; the result, or a clear message.
 */
export function deliverKeptOutcome(deps: { clients: SlackClients; logger: Logger; continueConversation?: ContinueConversation | undefined }): DeliverOutcome {
  return async (request, outcome) => {
    const client = await deps.clients.forWorkspace(request.requester);
    // Only a DM thread: mail read for one user is never posted where others could see it.
    const inThread = request.replyIn?.channel.startsWith('D') ? request.replyIn : undefined;
    if (inThread && deps.continueConversation && (await deps.continueConversation(client, request, outcome))) return;
    const dm = inThread ? threadReply(client, inThread) : dmReply(client, request.requester.userId);
    const presenter = presenterFor(request.action);
    if (outcome.ok) {
      await dm.send(presenter.present(outcome.result, request.input));
    } else {
      deps.logger.warn({ err: outcome.error, action: request.action }, 'kept request failed');
      await dm.send({ text: userMessageFor(outcome.error, { connectorLabel: presenter.connectorLabel }) });
    }
  };
}

/**
 * Tells a requester in their DM that a kept request ran out of time and was dropped, so connecting
 * later will not run it. A DM that cannot be sent is logged: the request stays dropped either way.
 */
export function tellKeptRequestDropped(deps: { clients: SlackClients; logger: Logger }): (request: KeptRequest) => Promise<void> {
  const minutes = Math.round(KEPT_REQUEST_TTL_MS / 60_000);
  return async (request) => {
    const presenter = presenterFor(request.action);
    const label = escapeMrkdwn(presenter.connectorLabel);
    const text =
      `I dropped your request to ${escapeMrkdwn(presenter.purpose)}: ${label} was not connected within ${minutes} minutes. ` +
      `Connecting now will not run it; once ${label} is connected, just ask again.`;
    try {
      await dmReply(await deps.clients.forWorkspace(request.requester), request.requester.userId).send({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] });
      deps.logger.info({ action: request.action, user: request.requester.userId }, 'kept request expired; requester told');
    } catch (err) {
      deps.logger.warn({ err, action: request.action }, 'telling a requester their kept request expired failed');
    }
  };
}
