/**
 * A stop with a hard deadline: whatever is stuck (a drain, a database close, a request that never
 * ends, the log reader), the process gets to exit, and says on stderr what it was waiting for.
 */
import { writeSync } from 'node:fs';

/** The exit code when the deadline passed (the same as timeout(1)'s). */
export const DEADLINE_EXIT_CODE = 124;

export type StopOutcome =
  | { kind: 'stopped' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'deadline'; waitingFor: string };

/** Reports what the stop is waiting for now, e.g. 'the database to close'. */
export type StopStep = (waitingFor: string) => void;

/** Runs `stop`; settles when it does or when `deadlineMs` has passed, whichever comes first. */
export async function stopWithin(deadlineMs: number, stop: (step: StopStep) => Promise<void>): Promise<StopOutcome> {
  let waitingFor = 'the stop to begin';
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<StopOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'deadline', waitingFor }), deadlineMs);
  });
  const stopped = stop((what) => (waitingFor = what)).then(
    (): StopOutcome => ({ kind: 'stopped' }),
    (error: unknown): StopOutcome => ({ kind: 'failed', error }),
  );
  try {
    return await Promise.race([stopped, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Makes a later `lastLine` safe: touching `process.stderr` has Node open a pipe or socket on fd 2
 * in non-blocking mode, so a write to a stalled reader fails at once instead of hanging.
 */
export function prepareLastLine(): void {
  process.stderr.on('error', () => {});
}

/** One line to stderr, best effort: it is written now or not at all. */
export function lastLine(text: string): void {
  try {
    writeSync(2, `${text}\n`);
  } catch {
    // Nobody reads stderr, or its pipe is full: exiting matters more than this line.
  }
}

/** Resolves once the logger has written what it holds, or after `withinMs`, whichever is first. */
export function flushLogsWithin(logger: { flush(cb: (err?: Error) => void): void }, withinMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, withinMs);
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
