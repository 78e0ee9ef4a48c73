/**
 * `/digest [schedule] [count] [gmail search] | pause | resume | off`: sets, shows or changes the
 * user's scheduled digest, answered privately. Times are read in the user's Slack time zone.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { ManageDigests } from '../../../actions/digests/manageDigests.ts';
import { asAppError } from '../../../core/errors.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../../infrastructure/logger.ts';
import { buildDigestStatus, buildDigestUsage } from '../../blocks/digestStatus.ts';
import { tellBusy, userMessageFor } from '../../errorMessages.ts';
import { parseDigestArgs } from '../../parsing/digestArgs.ts';
import { responseUrlReply, type SlackMessage } from '../../replies.ts';
import type { RespondTo } from '../../responseUrl.ts';
import type { UserTimeZones } from '../../userTimeZones.ts';

export interface DigestCommandDeps {
  digests: ManageDigests;
  timeZones: UserTimeZones;
  tasks: BackgroundTasks;
  respondTo: RespondTo;
  logger: Logger;
  /** Shows the change where the user also looks for it (the App Home), if it is wired. */
  refreshHome?: ((user: { teamId: string; enterpriseId?: string | undefined; userId: string }) => Promise<void>) | undefined;
}

export function digestCommand(deps: DigestCommandDeps) {
  return async ({ command, ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const parsed = parseDigestArgs(command.text ?? '');
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', ...buildDigestUsage(parsed.problem) });
      return;
    }
    await ack();
    const user = { teamId: command.team_id, enterpriseId: command.enterprise_id || undefined, userId: command.user_id };
    const reply = responseUrlReply(deps.respondTo(command.response_url));
    deps.tasks.run('digest command', async () => {
      let answer: SlackMessage;
      try {
        answer = await manage(deps, user, parsed);
      } catch (thrown) {
        const error = asAppError(thrown);
        deps.logger.warn({ err: error }, 'digest command failed');
        answer = { text: userMessageFor(error) };
      }
      await reply.send(answer);
      if (parsed.kind !== 'show') await deps.refreshHome?.(user).catch((err: unknown) => deps.logger.warn({ err }, 'refreshing the Home tab failed'));
    }, tellBusy(reply));
  };
}

async function manage(
  deps: DigestCommandDeps,
  user: { teamId: string; enterpriseId?: string | undefined; userId: string },
  parsed: Exclude<ReturnType<typeof parseDigestArgs>, { ok: false }>,
): Promise<SlackMessage> {
  const { digests } = deps;
  switch (parsed.kind) {
    case 'set':
      return buildDigestStatus(await digests.set(user, parsed.plan, await deps.timeZones.of(user)), 'Done.');
    case 'show':
      return buildDigestStatus(await digests.show(user, await deps.timeZones.of(user)));
    case 'pause': {
      const view = await digests.pause(user);
      return view ? buildDigestStatus(view, 'Paused.') : buildDigestStatus(undefined);
    }
    case 'resume': {
      const view = await digests.resume(user, await deps.timeZones.of(user));
      return view ? buildDigestStatus(view, 'Resumed.') : buildDigestStatus(undefined);
    }
    case 'off':
      return (await digests.off(user))
        ? { text: 'Your digest is off: no more scheduled DMs. `/digest weekdays 9:00` sets a new one.' }
        : buildDigestStatus(undefined);
  }
}
