/** After start-up the bot asks V8, once, for a full collection that gives memory back. */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { collectStartupGarbage } from '../../../src/infrastructure/startupGarbage.ts';

describe('collectStartupGarbage', () => {
  it('runs one full (major) collection, without --expose-gc on the command line and without a global gc', async () => {
    const majors: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(entry.startTime);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    const before = performance.now();
    collectStartupGarbage(0);
    await expect.poll(() => majors.filter((at) => at >= before).length, { timeout: 5_000 }).toBeGreaterThan(0);
    observer.disconnect();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
