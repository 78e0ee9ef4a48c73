/**
 * The Web API client to use for one workspace, for everything the bot sends outside a listener
 * (listeners get theirs from Bolt, authorized for the request's workspace): DMs after a connection,
 * kept requests, digests, team alerts, the App Home, time-zone lookups. With one workspace
 * (SLACK_BOT_TOKEN) it is always the one client; with many, the client of the installation serving
 * the workspace, with its token (rotated when due).
 */
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { WorkspaceRef } from '../actions/installations.ts';
import { installationKey } from '../actions/installations.ts';
import type { BotTokens } from './install/botTokens.ts';

export interface SlackClients {
  forWorkspace(workspace: WorkspaceRef): Promise<WebClient>;
}

export function singleWorkspaceClients(client: WebClient): SlackClients {
  const answer = Promise.resolve(client);
  return { forWorkspace: () => answer };
}

/** One client per installation, made again when its token changes (a rotation or a re-install). */
export function installedWorkspaceClients(tokens: BotTokens, options: WebClientOptions): SlackClients {
  const clients = new Map<string, { token: string; client: WebClient }>();
  return {
    async forWorkspace(workspace) {
      const installation = await tokens.forWorkspace(workspace);
      const key = installationKey(installation);
      const known = clients.get(key);
      if (known && known.token === installation.botToken) return known.client;
      const client = new WebClient(installation.botToken, options);
      clients.set(key, { token: installation.botToken, client });
      return client;
    },
  };
}
