/**
 * Part of the composition root: the connections the bot acts through (Gmail, Google Calendar) as
 * Slack shows them, the agent-auth backend that holds them, and the catalogue of actions using them.
 */
import type { Dispatcher } from 'undici';
import type { ActionCatalog } from '../actions/catalog.ts';
import { createCatalog } from '../actions/createCatalog.ts';
import { createAgentAuth, endpointOverrides } from '../agentAuth/createAgentAuth.ts';
import type { AgentAuth } from '../agentAuth/port.ts';
import { resolveConnector } from '../connectors/providers.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import type { HomeConnection } from '../slack/home/homeTab.ts';
import { CREATE_EVENT_ACTION, presenterFor, UNREAD_ACTION } from '../slack/presenters.ts';

export interface Connections {
  agentAuth: AgentAuth;
  catalog: ActionCatalog;
  /** Each connection with its label and what it is for, as the Home tab and DMs name it. */
  connections: HomeConnection[];
}

export async function createConnections(
  config: Config,
  deps: { db: Database; dispatcher: Dispatcher; logger: Logger; now: () => Date; upstreamTimeoutMs?: number; scalekitBackoffScale?: number },
): Promise<Connections> {
  const overrides = endpointOverrides(config.agentAuth);
  const agentAuth = await createAgentAuth(config.agentAuth, {
    connectors: {
      [config.gmail.connectionName]: resolveConnector('gmail', overrides),
      [config.calendar.connectionName]: resolveConnector('google-calendar', overrides),
    },
    ...deps,
  });
  const catalog = createCatalog({ unreadAction: UNREAD_ACTION, gmail: config.gmail, calendar: config.calendar }, { agentAuth, dispatcher: deps.dispatcher, requestTimeoutMs: deps.upstreamTimeoutMs });
  const connections = [
    { connection: config.gmail.connectionName, label: 'Gmail', purpose: presenterFor(UNREAD_ACTION).purpose },
    { connection: config.calendar.connectionName, label: 'Google Calendar', purpose: presenterFor(CREATE_EVENT_ACTION).purpose },
  ];
  return { agentAuth, catalog, connections };
}
