/**
 * Slack redelivers an event when it did not see our answer in time (and a second instance may
 * receive the redelivery): each event_id is handled once. A slash command or a button press has
 * no event_id but a trigger_id, unique to that one request: recorded the same way, so a captured
 * request replayed within Slack's five minutes is acknowledged (Slack stops retrying) and not run
 * again.
 *
 * Slack's ack is the same empty 200 whether or not a delivery is a repeat, so nothing before the
 * ack waits on the store: Bolt acknowledges events before any middleware runs, and a command's or
 * a button's check is started here, decided right after its ack (afterAck.ts), before the
 * listener's work; work a listener starts before its ack (/unread's, whose answer may ride inside
 * the ack) waits on `context.firstDelivery` itself.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../infrastructure/logger.ts';
import { AFTER_ACK, RepeatedDelivery, type AfterAck } from '../afterAck.ts';

export interface DeliveryLog {
  firstSeen(key: string, now: Date): Promise<boolean>;
}

/** On a command's or a button's context: resolves true for its first delivery, false for a replay. */
export const FIRST_DELIVERY = 'firstDelivery';

export function dedupeDeliveries(log: DeliveryLog, logger: Logger, now: () => Date): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { body, next, context } = args;
    const ack = (args as { ack?: () => Promise<void> }).ack;
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      // Bolt has already acknowledged an event: waiting here holds only the work.
      if (!(await log.firstSeen(`event:${eventId}`, now()))) {
        logger.info({ eventId }, 'skipped a repeated delivery of an event');
        return;
      }
      await next();
      return;
    }
    const triggerId = (body as { trigger_id?: unknown }).trigger_id;
    if (typeof triggerId !== 'string' || triggerId === '') {
      await next();
      return;
    }
    const first = log.firstSeen(`trigger:${triggerId}`, now());
    const kind = (body as { command?: unknown }).command ?? (body as { type?: unknown }).type;
    const afterAck = context[AFTER_ACK] as AfterAck | undefined;
    if (typeof afterAck !== 'function') {
      if (!(await first)) {
        logger.warn({ kind }, 'skipped a repeated command or button press');
        await ack?.();
        return;
      }
      await next();
      return;
    }
    // A store failure surfaces in the after-ack check (the listener fails there, logged by app.error).
    first.then((isFirst) => {
      if (!isFirst) logger.warn({ kind }, 'skipped a repeated command or button press');
    }, () => {});
    context[FIRST_DELIVERY] = first;
    afterAck(async () => {
      if (!(await first)) throw new RepeatedDelivery();
    });
    await next();
  };
}
