/**
 * Start-up leaves garbage behind, and a young generation that V8 grew while start-up's objects
 * survived its collections (up to `--max-semi-space-size`); nothing collects either while the bot
 * waits for its first request, because an idle process allocates too little to trigger a
 * collection. V8 shrinks the young generation only in a collection that finds the allocation rate
 * low or is asked to reduce memory. So, a moment after start-up, the bot asks for one such
 * collection, once: the young generation can then be sized for throughput under load (the start
 * script's `--max-semi-space-size`) without that size being held at idle.
 *
 * The collector is reached as Node's own documentation shows for `--expose-gc` (the flag set at
 * run time, the function read from a new context), so the flag is not needed on the command line
 * and nothing else in the process sees a global `gc`.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Once, `afterMs` from now, without keeping the process alive; a failure only costs the memory. */
export function collectStartupGarbage(afterMs = 250): void {
  const timer = setTimeout(() => {
    try {
      v8.setFlagsFromString('--expose-gc');
      const collect = vm.runInNewContext('gc') as Collect;
      // 'last-resort' is V8's memory-reducing full collection: it also shrinks the young generation.
      collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    } catch {
      // Not worth a log line: the bot only keeps some memory it could have given back.
    }
  }, afterMs);
  timer.unref();
}
