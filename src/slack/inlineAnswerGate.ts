/**
 * Whether a command may hold its acknowledgement for an answer inside it (inlineAnswer.ts). A held
 * ack lasts as long as the answer's work, and under a burst that work queues behind everyone
 * else's: Slack would wait longer for each ack than if it had been sent at once. So only while few
 * commands are in flight (at most `maxInFlight`, counting this one) may one hold its ack; the
 * command that goes past that is acknowledged at once, and so is every command still holding its
 * ack at that moment (their answers then go to the response_url). One at a time, or a few people
 * at once, answers still come inside the ack, saving the last round trip.
 */
export interface InlineSlot {
  /** True: this command may hold its ack for its answer (until it is released). */
  inline: boolean;
  /** The command's work is over: it no longer counts as in flight. */
  leave(): void;
}

export class InlineAnswerGate {
  private readonly maxInFlight: number;
  private inFlight = 0;
  /** How to acknowledge, now, each command that is holding its ack. */
  private readonly holding = new Set<() => void>();

  constructor(maxInFlight: number) {
    this.maxInFlight = Math.max(0, maxInFlight);
  }

  /** A command arrives; `release` acknowledges it at once if the gate closes while it holds its ack. */
  enter(release: () => void): InlineSlot {
    this.inFlight += 1;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
      this.holding.delete(release);
    };
    if (this.inFlight > this.maxInFlight) {
      for (const held of this.holding) held();
      this.holding.clear();
      return { inline: false, leave };
    }
    this.holding.add(release);
    return { inline: true, leave };
  }

  /** Commands whose work is not over yet. */
  get commandsInFlight(): number {
    return this.inFlight;
  }
}
