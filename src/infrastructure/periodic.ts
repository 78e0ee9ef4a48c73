/**
 * Runs a task every so often in the background, never two at once, logging failures. The timer
 * does not keep the process alive on its own.
 */
import type { Logger } from './logger.ts';

export interface Periodic {
  stop(): Promise<void>;
}

export function every(intervalMs: number, name: string, task: () => Promise<void>, logger: Logger): Periodic {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .catch((err: unknown) => logger.warn({ err, task: name }, 'periodic task failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
