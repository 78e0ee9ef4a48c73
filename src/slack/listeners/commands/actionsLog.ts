/** `/actions-log`: the user's own last actions from the audit log, privately; never any content. */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AuditLog } from '../../../actions/audit.ts';
import type { UserDirectory } from '../../../actions/ports.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { buildActionsLog } from '../../blocks/actionsLog.ts';
import { responseUrlReply } from '../../replies.ts';
import type { RespondTo } from '../../responseUrl.ts';
import { tellBusy } from '../../errorMessages.ts';

const SHOWN = 20;

export function actionsLogCommand(deps: {
  audit: AuditLog;
  /** AUDIT_RETENTION_DAYS: said under the log, so the user knows how far back it reaches. */
  auditRetentionDays: number;
  users: UserDirectory;
  tasks: BackgroundTasks;
  respondTo: RespondTo;
}) {
  return async ({ command, ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const user = { teamId: command.team_id, enterpriseId: command.enterprise_id || undefined, userId: command.user_id };
    const reply = responseUrlReply(deps.respondTo(command.response_url));
    deps.tasks.run('actions-log command', async () => {
      const identifier = await deps.users.identifierFor(user);
      const entries = await deps.audit.recent(identifier, SHOWN);
      await reply.send(buildActionsLog(entries, { keptDays: deps.auditRetentionDays }));
    }, tellBusy(reply));
  };
}
