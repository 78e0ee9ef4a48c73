/**
 * `/unread [count] [gmail search]`: answered privately when the mail is read: inside the
 * acknowledgement when that happens before `inlineAnswerMs` and few commands are in flight
 * (inlineAnswerGate.ts), else on the response_url after an empty acknowledgement: at that deadline,
 * or at once when more than `inlineMaxInFlight` commands are in flight.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { buildUnreadUsage } from '../../blocks/help.ts';
import { parseUnreadArgs } from '../../parsing/unreadArgs.ts';
import { UNREAD_ACTION } from '../../presenters.ts';
import { dmReply, responseUrlReply } from '../../replies.ts';
import type { RequestRunner } from '../../requestRunner.ts';
import type { RespondTo } from '../../responseUrl.ts';
import { tellBusy } from '../../errorMessages.ts';
import { inlineAnswer, type AckFn } from '../../inlineAnswer.ts';
import { InlineAnswerGate } from '../../inlineAnswerGate.ts';
import { FIRST_DELIVERY } from '../dedupeDeliveries.ts';

export const DEFAULT_INLINE_ANSWER_MS = 1_000;
/**
 * More /unread than this in flight at once and acks go out at arrival: measured with `npm run
 * bench`, holding acks under a burst of 100 put the ack p99 above the quickstart flow's.
 */
export const DEFAULT_INLINE_MAX_IN_FLIGHT = 4;

export function unreadCommand(deps: {
  runner: RequestRunner;
  tasks: BackgroundTasks;
  respondTo: RespondTo;
  inlineAnswerMs?: number;
  inlineMaxInFlight?: number;
}) {
  const gate = new InlineAnswerGate(deps.inlineMaxInFlight ?? DEFAULT_INLINE_MAX_IN_FLIGHT);
  return async ({ command, ack, client, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const parsed = parseUnreadArgs(command.text ?? '');
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', ...buildUnreadUsage(parsed.problem) });
      return;
    }
    const later = responseUrlReply(deps.respondTo(command.response_url), dmReply(client, command.user_id));
    const answer = inlineAnswer(ack as AckFn, deps.inlineAnswerMs ?? DEFAULT_INLINE_ANSWER_MS, later);
    const slot = gate.enter(() => void answer.acknowledgeNow().catch(() => {}));
    if (!slot.inline) void answer.acknowledgeNow().catch(() => {});
    const user = {
      teamId: command.team_id,
      enterpriseId: command.enterprise_id || undefined,
      userId: command.user_id,
    };
    const input = { count: parsed.count, ...(parsed.search ? { search: parsed.search } : {}) };
    // The work starts before the ack (its answer may ride inside it), so it waits on the dedupe itself.
    const firstDelivery = context[FIRST_DELIVERY] as Promise<boolean> | undefined;
    deps.tasks.run('unread command', async () => {
      try {
        if (firstDelivery && !(await firstDelivery)) {
          // A replay: acknowledged empty (the after-ack check then stops what would follow).
          await answer.done().catch(() => {});
          return;
        }
        await deps.runner.run(user, { action: UNREAD_ACTION, input }, answer.reply);
      } finally {
        slot.leave();
        await answer.done();
      }
    }, async () => {
      try {
        await tellBusy(answer.reply)();
      } finally {
        slot.leave();
        await answer.done();
      }
    });
    // Bolt's request ends when this listener returns: it returns once the command is acknowledged.
    await answer.acknowledged;
  };
}
