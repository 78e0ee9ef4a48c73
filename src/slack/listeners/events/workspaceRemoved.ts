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

export function workspaceRemoved(deps: { removal: WorkspaceRemoval; tasks: BackgroundTasks; logger: Logger }) {
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
    await deps.removal.request(scope);
    // If the queue is full the periodic pass carries it out.
    deps.tasks.run('workspace removal', async () => {
      await deps.removal.runDue();
    });
  };
}
