/**
 * The agent turns this instance is running, by thread, so that Slack's Stop (agent_session_stopped)
 * can abort one: its signal reaches the upstream calls in flight, and its stream is closed.
 */
import type { AgentStream } from './agentStream.ts';

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
  start(thread: { channel: string; threadTs: string }, stream: AgentStream): { signal: AbortSignal; end: () => void } {
    const key = keyOf(thread);
    const controller = new AbortController();
    const entry: Entry = { controller, signal: controller.signal, stream };
    const turns = this.byThread.get(key) ?? new Set<Entry>();
    turns.add(entry);
    this.byThread.set(key, turns);
    return {
      signal: controller.signal,
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
