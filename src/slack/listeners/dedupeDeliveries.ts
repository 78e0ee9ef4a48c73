/**
 * Slack redelivers an event when it did not see our answer in time (and a second instance may
 * receive the redelivery). Each event_id is handled once.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../infrastructure/logger.ts';

export interface DeliveryLog {
  firstSeen(key: string, now: Date): Promise<boolean>;
}

export function dedupeDeliveries(log: DeliveryLog, logger: Logger, now: () => Date): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await log.firstSeen(`event:${eventId}`, now()))) {
      logger.info({ eventId }, 'skipped a repeated delivery of an event');
      return;
    }
    await next();
  };
}
