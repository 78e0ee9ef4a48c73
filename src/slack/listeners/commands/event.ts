/**
 * `/event <when> called <title>`: acknowledged at once; the words are read in the user's Slack time
 * zone (users.info, which takes longer than Slack's 3 seconds allow for certain), then the event is
 * created on their own Google Calendar and confirmed privately, or the usage says what was not read.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { eventInputFrom } from '../../../actions/createCalendarEvent.ts';
import { asAppError } from '../../../core/errors.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { tellBusy, userMessageFor } from '../../errorMessages.ts';
import { buildEventUsage } from '../../blocks/help.ts';
import { parseEventArgs } from '../../parsing/eventArgs.ts';
import { CREATE_EVENT_ACTION } from '../../presenters.ts';
import { dmReply, responseUrlReply } from '../../replies.ts';
import type { RequestRunner } from '../../requestRunner.ts';
import type { RespondTo } from '../../responseUrl.ts';
import type { UserTimeZones } from '../../userTimeZones.ts';

export interface EventCommandDeps {
  runner: RequestRunner;
  tasks: BackgroundTasks;
  timeZones: UserTimeZones;
  respondTo: RespondTo;
  now: () => Date;
}

export function eventCommand(deps: EventCommandDeps) {
  return async ({ command, ack, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const text = command.text ?? '';
    if (!text.trim()) {
      await ack({ response_type: 'ephemeral', ...buildEventUsage() });
      return;
    }
    await ack();
    const user = { teamId: command.team_id, enterpriseId: command.enterprise_id || undefined, userId: command.user_id };
    const reply = responseUrlReply(deps.respondTo(command.response_url), dmReply(client, command.user_id));
    deps.tasks.run('event command', async () => {
      let timeZone: string;
      try {
        timeZone = await deps.timeZones.of(user);
      } catch (thrown) {
        await reply.send({ text: userMessageFor(asAppError(thrown), { connectorLabel: 'Slack' }) });
        throw thrown;
      }
      const parsed = parseEventArgs(text, { now: deps.now(), timeZone });
      if (!parsed.ok) {
        await reply.send(buildEventUsage(parsed.problem));
        return;
      }
      const input = eventInputFrom({ title: parsed.title, when: parsed.when, timeZone });
      await deps.runner.run(user, { action: CREATE_EVENT_ACTION, input }, reply);
    }, tellBusy(reply));
  };
}
