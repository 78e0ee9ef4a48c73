/**
 * An answer inside the acknowledgement. A slash command's first message that is ready before the
 * deadline goes back as the body of the ack (ephemeral, as a response_url post would be), saving
 * Slack the last round trip; at the deadline the command is acknowledged empty and every later
 * message goes to `later` (the response_url) as before. The deadline sits well inside Slack's 3 s.
 */
import type { Reply, SlackMessage } from './replies.ts';

export type AckFn = (response?: { response_type: 'ephemeral' } & SlackMessage) => Promise<void>;

export interface InlineAnswer {
  reply: Reply;
  /** Resolves once the command is acknowledged (with an answer, empty at the deadline, or when the work ended silent). */
  acknowledged: Promise<void>;
  /** Acknowledge now, empty, if nothing has yet: every message from here on goes to `later`. */
  acknowledgeNow(): Promise<void>;
  /** The work is over: acknowledge now if nothing has yet. */
  done(): Promise<void>;
}

export function inlineAnswer(ack: AckFn, deadlineMs: number, later: Reply): InlineAnswer {
  let acked = false;
  let settle!: () => void;
  const acknowledged = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const ackOnce = async (message?: SlackMessage) => {
    if (acked) return false;
    acked = true;
    clearTimeout(timer);
    try {
      await ack(message ? { response_type: 'ephemeral', ...message } : undefined);
    } finally {
      settle();
    }
    return true;
  };
  const timer = setTimeout(() => void ackOnce().catch(() => {}), deadlineMs);
  return {
    acknowledged,
    reply: {
      async send(message) {
        if (await ackOnce(message)) return;
        await later.send(message);
      },
    },
    async acknowledgeNow() {
      await ackOnce();
    },
    async done() {
      await ackOnce();
    },
  };
}
