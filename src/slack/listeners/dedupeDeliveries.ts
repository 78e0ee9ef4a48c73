/**
 * Slack redelivers an event when it did not see our answer in time (and a second instance may
 * receive the redelivery): each event_id is handled once. A slash command or a button press has
 * no event_id but a trigger_id, unique to that one request: recorded the same way, so a captured
 * request replayed within Slack's five minutes is acknowledged (Slack stops retrying) and not run
 * again.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../infrastructure/logger.ts';

export interface DeliveryLog {
  firstSeen(key: string, now: Date): Promise<boolean>;
}

export function dedupeDeliveries(log: DeliveryLog, logger: Logger, now: () => Date): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { body, next } = args;
    const ack = (args as { ack?: () => Promise<void> }).ack;
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await log.firstSeen(`event:${eventId}`, now()))) {
      logger.info({ eventId }, 'skipped a repeated delivery of an event');
      return;
    }
    const triggerId = (body as { trigger_id?: unknown }).trigger_id;
    if (typeof eventId !== 'string' && typeof triggerId === 'string' && triggerId !== '' && !(await log.firstSeen(`trigger:${triggerId}`, now()))) {
      logger.warn({ kind: (body as { command?: unknown }).command ?? (body as { type?: unknown }).type }, 'skipped a repeated command or button press');
      await ack?.();
      return;
    }
    await next();
  };
}
