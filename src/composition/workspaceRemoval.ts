/**
 * Part of the composition root: what an uninstall removes, and how (ForgetWorkspace), on the bot's
 * database and agent-auth backend. The installation store is another part's: in single-workspace
 * mode (SLACK_BOT_TOKEN) there is none, and forgetting an installation is a no-op.
 */
import { ForgetWorkspace } from '../actions/workspaces/forgetWorkspace.ts';
import { NO_INSTALLATION_STORE, type Installations } from '../actions/workspaces/ports.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import { SqlWorkspaceData } from '../infrastructure/storage/sqlWorkspaceData.ts';
import { SqlWorkspaceRemovals } from '../infrastructure/storage/sqlWorkspaceRemovals.ts';
import type { Connections } from './connections.ts';

export function createWorkspaceRemoval(deps: {
  db: Database;
  connections: Connections;
  installations?: Installations | undefined;
  /** The user directory's cache on this instance, dropped once an uninstall deleted its rows. */
  users: { clearCache(): void };
  logger: Logger;
  now: () => Date;
}): ForgetWorkspace {
  const { agentAuth, connections } = deps.connections;
  const { logger } = deps;
  return new ForgetWorkspace({
    removals: new SqlWorkspaceRemovals(deps.db),
    data: new SqlWorkspaceData(deps.db),
    installations: deps.installations ?? NO_INSTALLATION_STORE,
    disconnect: (ref) => agentAuth.disconnect(ref),
    connections: connections.map((c) => c.connection),
    now: deps.now,
    onEvent: (event) => {
      if (event.kind === 'postponed') {
        logger.warn({ scope: event.scope, accountsLeft: event.accountsLeft, err: event.error }, 'a workspace removal could not disconnect every account; tried again later');
      } else if (event.kind === 'failed') {
        logger.warn({ scope: event.scope, err: event.error }, 'a workspace removal failed half way; taken up again later');
      } else if (event.kind === 'erased') {
        deps.users.clearCache();
        logger.info({ scope: event.scope, rows: event.rows }, 'removed what the bot kept for an uninstalled workspace');
      } else if (event.kind === 'finished') {
        logger.info({ scope: event.scope, accounts: event.accounts }, 'workspace removal finished');
      }
    },
  });
}
