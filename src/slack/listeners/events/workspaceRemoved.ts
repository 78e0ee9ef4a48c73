/**
 * Slack's word that the bot is gone from a workspace or an org: `app_uninstalled`, or
 * `tokens_revoked` naming a bot token (`tokens.bot`: bot user ids; this app's tokens only). A
 * revoked user token (`tokens.oauth`) changes nothing: the bot uses none. The envelope says where:
 * `team_id`, `enterprise_id`, and `is_enterprise_install` for an org-wide install, which is removed
 * as the org.
 *
 * Bolt acknowledges an event before any listener runs, and Slack's retries are dropped by event_id
 * (dedupeDeliveries.ts). Here the removal is recorded in the database first, so it is carried out
 * even if this instance dies now or is too busy (the periodic pass finds it); then a pass starts.
 * Slack sends the event once: a database that refuses the record for a moment (busy, failing over)
 * gets it again, with waits in between, rather than the workspace's data being kept for good.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WorkspaceScope } from '../../../actions/workspaces/ports.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../../infrastructure/logger.ts';

export interface WorkspaceRemoval {
  request(scope: WorkspaceScope): Promise<void>;
  runDue(): Promise<number>;
}

interface Envelope {
  team_id?: unknown;
  enterprise_id?: unknown;
  is_enterprise_install?: unknown;
}

/** The uninstalled scope, from the event envelope; undefined when it names none. */
export function removedScope(body: Envelope): WorkspaceScope | undefined {
  const enterpriseId = typeof body.enterprise_id === 'string' && body.enterprise_id !== '' ? body.enterprise_id : undefined;
  const teamId = typeof body.team_id === 'string' && body.team_id !== '' ? body.team_id : undefined;
  if (enterpriseId && (body.is_enterprise_install === true || body.is_enterprise_install === 'true' || !teamId)) {
    return { kind: 'org', enterpriseId };
  }
  return teamId ? { kind: 'workspace', teamId, ...(enterpriseId ? { enterpriseId } : {}) } : undefined;
}

/** Whether a tokens_revoked event revokes the bot's token (not only users' tokens). */
export function revokesBotToken(event: { tokens?: unknown }): boolean {
  const bot = (event.tokens as { bot?: unknown } | undefined)?.bot;
  return Array.isArray(bot) && bot.some((id) => typeof id === 'string' && id !== '');
}

/** Waits between attempts to record a removal: about a minute in all. */
export const RECORD_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

export function workspaceRemoved(deps: { removal: WorkspaceRemoval; tasks: BackgroundTasks; logger: Logger; retryDelaysMs?: readonly number[] }) {
  const delays = deps.retryDelaysMs ?? RECORD_RETRY_DELAYS_MS;
  const record = async (scope: WorkspaceScope): Promise<boolean> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await deps.removal.request(scope);
        return true;
      } catch (err) {
        const retryInMs = delays[attempt];
        if (retryInMs === undefined) {
          deps.logger.error({ err, scope, attempts: attempt + 1 }, 'could not record the removal of a workspace: its data stays until it is removed again (reinstall, then uninstall)');
          return false;
        }
        deps.logger.warn({ err, scope, retryInMs }, 'could not record the removal of a workspace yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, retryInMs));
      }
    }
  };
  return async ({ event, body }: SlackEventMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    if (event.type === 'tokens_revoked' && !revokesBotToken(event as { tokens?: unknown })) {
      deps.logger.info('user tokens were revoked; the bot uses none, so nothing changes');
      return;
    }
    const scope = removedScope(body as Envelope);
    if (!scope) {
      deps.logger.warn({ event: event.type }, 'an uninstall event named no workspace; nothing removed');
      return;
    }
    deps.logger.info({ event: event.type, scope }, 'the bot was removed; removing what it kept there');
    if (!(await record(scope))) return;
    // If the queue is full the periodic pass carries it out.
    deps.tasks.run('workspace removal', async () => {
      await deps.removal.runDue();
    });
  };
}
