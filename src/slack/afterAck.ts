/**
 * Checks that run right after a request's acknowledgement is sent and before the listener's code
 * that follows `await ack()`: what can wait until after the ack (the dedupe of replayed commands
 * and button presses) is decided there, so Slack's ack never waits on storage. A check that throws
 * stops the listener's work: the ack has already gone out.
 *
 * Our receiver (receiver/slackReceiver.ts) puts `afterAck` on every request's Bolt context; Socket
 * Mode's receiver does not, and middleware then decides before the ack, as Bolt would.
 */
export type AfterAck = (check: () => Promise<void>) => void;

export const AFTER_ACK = 'afterAck';

/** Thrown by the dedupe's after-ack check: the listener stops, and app.error ignores it. */
export class RepeatedDelivery extends Error {
  readonly code = 'repeated_delivery';

  constructor() {
    super('a repeated delivery of a Slack request');
  }
}

export function isRepeatedDelivery(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'repeated_delivery';
}
