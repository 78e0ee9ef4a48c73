/**
 * Work that goes on after Slack has been acknowledged. Every task is tracked, so shutdown can
 * drain them, and every failure is logged here, so none becomes an unhandled rejection.
 *
 * At most `maxInFlight` tasks run at once (so a burst cannot open unbounded upstream calls and
 * memory); up to `maxQueued` more wait their turn in order. Past that a task is refused, never
 * dropped silently: `run` returns false and runs the task's `onBusy` instead (outside the cap: it
 * only tells the user to try again).
 *
 * Acknowledgements first, work after: a task does not start in the turn of the event loop that
 * asked for it, but in a later one, after the I/O that was waiting (Slack's requests, whose acks
 * are written when they are read), at most START_PER_TURN tasks a turn, in order. Started at once,
 * a burst's tasks would each run their first steps (budget, token, the first upstream request) in
 * front of the requests that arrived meanwhile, and those would wait for their acks behind that
 * work; started all in one turn, the connections that arrived meanwhile would wait that long to
 * be accepted; started one per turn, starts would queue behind the loop's turn rate.
 *
 * And while commands keep arriving, none starts: a turn in which new tasks were asked for (new
 * requests were read and acknowledged) passes without starting any, up to MAX_DEFER_MS for the
 * oldest waiting task. Under a burst the acks then go out on a core that does nothing else (the
 * work would slow them both by its own time and by the upstream answers it brings back into the
 * same turns), and the work follows right after; one request alone waits one empty turn.
 */
import type { Logger } from './logger.ts';

export interface BackgroundLimits {
  maxInFlight: number;
  maxQueued: number;
}

/** Tasks started per turn of the event loop: a few milliseconds of first steps between two polls for I/O. */
export const START_PER_TURN = 16;

/**
 * How long work may wait for requests to stop arriving, never starved: a burst of 1000 commands
 * takes longer than 250 ms to arrive on this 2-core machine, and work started halfway through it
 * held the last acks up by as much again (bench bursts: ack p99 at 1000 in flight 723 to 1147 ms
 * with 250, 383 to 487 with 1000; answers unchanged). Only a bot that reads new requests in every
 * turn waits this long.
 */
export const MAX_DEFER_MS = 1_000;

const UNBOUNDED: BackgroundLimits = { maxInFlight: Number.POSITIVE_INFINITY, maxQueued: Number.POSITIVE_INFINITY };

export class BackgroundTasks {
  /** Running and queued tasks alike: drain waits for both. */
  private readonly tracked = new Set<Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  /** Tasks that have their slot, waiting for a turn of the event loop to start in, and since when. */
  private readonly turns: Array<{ start: () => void; since: number }> = [];
  private turnScheduled = false;
  /** Tasks asked for since the last turn: requests are still arriving. */
  private askedSinceTurn = 0;
  private readonly logger: Logger;
  private readonly limits: BackgroundLimits;
  private active = 0;

  constructor(logger: Logger, limits: BackgroundLimits = UNBOUNDED) {
    this.logger = logger;
    this.limits = { maxInFlight: Math.max(1, limits.maxInFlight), maxQueued: Math.max(0, limits.maxQueued) };
  }

  /** Runs `task` now or when a slot frees; false (and `onBusy` run) when the queue is full too. */
  run(name: string, task: () => Promise<void>, onBusy?: () => Promise<void>): boolean {
    if (this.active >= this.limits.maxInFlight && this.waiting.length >= this.limits.maxQueued) {
      this.logger.warn({ task: name, inFlight: this.active, queued: this.waiting.length }, 'background work refused: too busy');
      if (onBusy) this.track(`${name} (busy)`, onBusy);
      return false;
    }
    // The slot (or the place in the queue) is taken now, not on a later tick, so that calls made
    // together cannot all see a free slot.
    const started = this.takeSlot();
    this.askedSinceTurn += 1;
    this.track(name, async () => {
      await started;
      await this.nextTurn();
      try {
        await task();
      } finally {
        this.release();
      }
    });
    return true;
  }

  private track(name: string, work: () => Promise<void>): void {
    const promise = Promise.resolve()
      .then(work)
      .catch((err: unknown) => this.logger.error({ err, task: name }, 'background task failed'))
      .finally(() => this.tracked.delete(promise));
    this.tracked.add(promise);
  }

  private takeSlot(): Promise<void> {
    if (this.active < this.limits.maxInFlight) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.active += 1;
        resolve();
      });
    });
  }

  /** Resolves in a later turn of the event loop, once the I/O waiting now has been read. */
  private nextTurn(): Promise<void> {
    return new Promise((resolve) => {
      this.turns.push({ start: resolve, since: performance.now() });
      if (!this.turnScheduled) {
        this.turnScheduled = true;
        setImmediate(this.takeTurn);
      }
    });
  }

  /**
   * Starts the next START_PER_TURN waiting tasks (their first steps run right after this callback,
   * as microtasks), and asks for another turn if more wait: setImmediate callbacks queued now run
   * only after the event loop has polled for I/O again, so new requests are read between turns.
   */
  private readonly takeTurn = () => {
    this.turnScheduled = false;
    const arriving = this.askedSinceTurn > 0;
    this.askedSinceTurn = 0;
    const oldest = this.turns[0];
    const mayWait = oldest !== undefined && performance.now() - oldest.since < MAX_DEFER_MS;
    if (!(arriving && mayWait)) for (const { start } of this.turns.splice(0, START_PER_TURN)) start();
    if (this.turns.length > 0 && !this.turnScheduled) {
      this.turnScheduled = true;
      setImmediate(this.takeTurn);
    }
  };

  private release(): void {
    this.active -= 1;
    this.waiting.shift()?.();
  }

  /** Tasks running or waiting. */
  get size(): number {
    return this.tracked.size;
  }

  /** Tasks running now (never more than maxInFlight). */
  get inFlight(): number {
    return this.active;
  }

  /** Waits for the running and queued tasks (and any they start), up to `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.tracked.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.tracked]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, remaining);
        }),
      ]);
      clearTimeout(timer);
    }
    return true;
  }
}
