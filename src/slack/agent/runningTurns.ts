/**
 * The agent turns this instance is running, by thread, so that Slack's Stop (agent_session_stopped)
 * can abort one: its signal reaches the upstream calls in flight, and its stream is closed. Stop may
 * reach another instance than the one running the turn: it is then written to the database
 * (ThreadStates.requestStop), and each running turn looks there every STOP_POLL_MS.
 */
import type { ThreadStates } from '../../actions/agent/threadState.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { AgentStream } from './agentStream.ts';

export const STOP_POLL_MS = 1_000;

export interface RunningTurn {
  readonly signal: AbortSignal;
  readonly stream: AgentStream;
}

interface Entry extends RunningTurn {
  controller: AbortController;
}

export class RunningTurns {
  private readonly byThread = new Map<string, Set<Entry>>();

  /** Registers a turn; call `end` when it is over, whatever happened. */
  start(thread: { channel: string; threadTs: string }, stream: AgentStream): { signal: AbortSignal; abort: () => void; end: () => void } {
    const key = keyOf(thread);
    const controller = new AbortController();
    const entry: Entry = { controller, signal: controller.signal, stream };
    const turns = this.byThread.get(key) ?? new Set<Entry>();
    turns.add(entry);
    this.byThread.set(key, turns);
    return {
      signal: controller.signal,
      abort: () => controller.abort(),
      end: () => {
        turns.delete(entry);
        if (turns.size === 0 && this.byThread.get(key) === turns) this.byThread.delete(key);
      },
    };
  }

  /** Aborts every turn running in the thread, and hands back their streams to close. */
  stop(thread: { channel: string; threadTs: string }): AgentStream[] {
    const turns = [...(this.byThread.get(keyOf(thread)) ?? [])];
    for (const turn of turns) turn.controller.abort();
    return turns.map((turn) => turn.stream);
  }

  get size(): number {
    return this.byThread.size;
  }
}

function keyOf(thread: { channel: string; threadTs: string }): string {
  return `${thread.channel}\u0000${thread.threadTs}`;
}

/**
 * Watches the database for a Stop pressed in the thread (on any instance) since `since`, and calls
 * `onStop` once when one is. Returns the function that ends the watch.
 */
export function watchForStop(
  threads: Pick<ThreadStates, 'stoppedSince'>,
  thread: { channel: string; threadTs: string },
  since: Date,
  onStop: () => Promise<void>,
  logger: Logger,
): () => void {
  let busy = false;
  let over = false;
  const timer = setInterval(() => {
    if (busy || over) return;
    busy = true;
    threads
      .stoppedSince(thread, since)
      .then(async (stopped) => {
        if (!stopped || over) return;
        over = true;
        clearInterval(timer);
        await onStop();
      })
      .catch((err: unknown) => logger.warn({ err }, 'looking for a Stop of an agent turn failed'))
      .finally(() => void (busy = false));
  }, STOP_POLL_MS);
  timer.unref();
  return () => {
    over = true;
    clearInterval(timer);
  };
}
