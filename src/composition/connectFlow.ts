/**
 * Part of the composition root: how a user connects an account and what waits for it. The DM'd
 * single-use link and its browser flow (Sign in with Slack, then the provider), the requests kept
 * until the account is usable, and the sweep that finds accounts connected elsewhere.
 */
import type { Dispatcher } from 'undici';
import { BrowserAuthorization } from '../actions/browserAuthorization.ts';
import type { UserBudgets } from '../actions/budgets.ts';
import { KeptRequestSweeper } from '../actions/keptRequestSweeper.ts';
import { RequestAuthorization } from '../actions/requestAuthorization.ts';
import { ResumeKeptRequests } from '../actions/resumeKeptRequests.ts';
import { SlackSignIn } from '../connectors/slack/slackSignIn.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { CALLBACK_PATH, SLACK_SIGN_IN_CALLBACK_PATH } from '../web/routes.ts';
import type { Connections } from './connections.ts';
import type { Storage } from './storage.ts';

export type ConnectFlow = ReturnType<typeof createConnectFlow>;

export function createConnectFlow(
  config: Config,
  deps: { storage: Storage; connections: Connections; budgets: UserBudgets; dispatcher: Dispatcher; logger: Logger; now: () => Date },
) {
  const { storage, now } = deps;
  const { agentAuth, catalog } = deps.connections;
  const { clientId, clientSecret, oidcAuthorizeUrl: authorizeUrl, apiUrl } = config.slack;
  const browserAuthorization = new BrowserAuthorization({
    agentAuth,
    links: storage.links,
    sessions: storage.sessions,
    slackSignIn: new SlackSignIn({ authorizeUrl, apiUrl, clientId, clientSecret }, { dispatcher: deps.dispatcher }),
    returnUrl: `${config.publicUrl}${CALLBACK_PATH}`,
    signInReturnUrl: `${config.publicUrl}${SLACK_SIGN_IN_CALLBACK_PATH}`,
    now,
  });
  const requestAuthorization = new RequestAuthorization({
    agentAuth,
    links: storage.links,
    keptRequests: storage.keptRequests,
    publicUrl: config.publicUrl,
    now,
    budgets: deps.budgets,
  });
  const resume = new ResumeKeptRequests({
    catalog,
    keptRequests: storage.keptRequests,
    now,
    audit: storage.audit,
    onAuditError: (err) => deps.logger.warn({ err }, 'recording an action in the audit log failed'),
  });
  const sweeper = new KeptRequestSweeper({ keptRequests: storage.keptRequests, agentAuth, resume, now });
  return { browserAuthorization, requestAuthorization, resume, sweeper };
}
