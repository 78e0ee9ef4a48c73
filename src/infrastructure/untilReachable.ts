/**
 * Start-up checks against services that may be down for a while (Slack, Scalekit): the check is
 * retried with backoff, saying in the log what the bot is waiting for, until it passes, the
 * service refuses a setting (SettingRefusedError, which no retry fixes), or the bot is stopped.
 */
import type { Logger } from './logger.ts';
import { SettingRefusedError } from './settingRefused.ts';

export interface UntilReachableOptions {
  logger: Logger;
  /** Aborted when the bot is stopped while still waiting. */
  signal: AbortSignal;
  /** Waits between attempts; the last one repeats (default 1, 2, 4, 8, 15 s). */
  delaysMs?: number[];
}

const DEFAULT_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];

export async function untilReachable<T>(what: string, check: () => Promise<T>, options: UntilReachableOptions): Promise<T> {
  const delays = options.delaysMs ?? DEFAULT_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    options.signal.throwIfAborted();
    try {
      return await check();
    } catch (error) {
      if (error instanceof SettingRefusedError || options.signal.aborted) throw error;
      const retryInMs = delays[Math.min(attempt, delays.length - 1)] ?? 1_000;
      options.logger.warn(
        { waitingFor: what, attempt: attempt + 1, retryInMs, reason: reasonOf(error) },
        `waiting for ${what}: ${reasonOf(error)}; not ready yet, trying again in ${Math.round(retryInMs / 1000)} s`,
      );
      await sleep(retryInMs, options.signal);
    }
  }
}

/** The error's message, with the innermost cause when it says more (e.g. "fetch failed (connect ECONNREFUSED …)"). */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let inner: unknown = error;
  // Slack's client keeps the underlying error in `original`, others in `cause`.
  for (let depth = 0; depth < 5; depth++) {
    const next = (inner as { original?: unknown; cause?: unknown }).original ?? (inner as { cause?: unknown }).cause;
    if (!(next instanceof Error)) break;
    inner = next;
  }
  const detail = inner instanceof Error && inner !== error && !error.message.includes(inner.message) ? ` (${inner.message})` : '';
  return `${error.message}${detail}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
