import { describe, expect, it } from 'vitest';
import { backoffDelay, retry, type RetryOptions } from '../../../src/infrastructure/http/retry.ts';

class Temporary extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(retryAfterMs?: number) {
    super('temporary');
    this.retryAfterMs = retryAfterMs;
  }
}

function setup(overrides: Partial<RetryOptions> = {}) {
  const sleeps: number[] = [];
  const options: RetryOptions = {
    retries: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    shouldRetry: (error) => (error instanceof Temporary ? { retryAfterMs: error.retryAfterMs } : false),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...overrides,
  };
  return { sleeps, options };
}

/** An operation that fails with the given errors, in order, then returns 'done'. */
function failing(...errors: Error[]) {
  let calls = 0;
  const operation = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'done';
  };
  return { operation, calls: () => calls };
}

describe('backoffDelay', () => {
  const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('picks uniformly below a ceiling that doubles, up to the cap (full jitter)', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('uses a server-given delay as is, and gives up when it is longer than the cap', () => {
    expect(backoffDelay(0, policy, () => 0.5, 700)).toBe(700);
    expect(backoffDelay(0, policy, () => 0.5, 0)).toBe(0);
    expect(backoffDelay(0, policy, () => 0.5, 5_000)).toBeUndefined();
  });
});

describe('retry', () => {
  it('returns at once when the first attempt works', async () => {
    const { sleeps, options } = setup();
    const op = failing();
    await expect(retry(op.operation, options)).resolves.toBe('done');
    expect(op.calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('retries temporary failures with growing, jittered waits', async () => {
    const { sleeps, options } = setup();
    const op = failing(new Temporary(), new Temporary(), new Temporary());
    await expect(retry(op.operation, options)).resolves.toBe('done');
    expect(op.calls()).toBe(4);
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('never retries more than `retries` times, then rethrows the last failure', async () => {
    const { sleeps, options } = setup({ retries: 2 });
    const last = new Temporary();
    const op = failing(new Temporary(), new Temporary(), last, new Temporary());
    await expect(retry(op.operation, options)).rejects.toBe(last);
    expect(op.calls()).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry what the caller says is final', async () => {
    const { options } = setup();
    const fatal = new Error('fatal');
    const op = failing(fatal);
    await expect(retry(op.operation, options)).rejects.toBe(fatal);
    expect(op.calls()).toBe(1);
  });

  it('waits as long as the server asked', async () => {
    const { sleeps, options } = setup();
    const op = failing(new Temporary(800), new Temporary());
    await retry(op.operation, options);
    expect(sleeps).toEqual([800, 100]);
  });

  it('stops early when the server asks for a longer wait than the cap', async () => {
    const { sleeps, options } = setup();
    const long = new Temporary(60_000);
    const op = failing(long);
    await expect(retry(op.operation, options)).rejects.toBe(long);
    expect(sleeps).toEqual([]);
  });

  it('tries once with retries: 0', async () => {
    const { options } = setup({ retries: 0 });
    const op = failing(new Temporary());
    await expect(retry(op.operation, options)).rejects.toBeInstanceOf(Temporary);
    expect(op.calls()).toBe(1);
  });

  it('tells onRetry about each wait', async () => {
    const events: Array<{ retry: number; delayMs: number }> = [];
    const { options } = setup({ onRetry: ({ retry: n, delayMs }) => void events.push({ retry: n, delayMs }) });
    await retry(failing(new Temporary(), new Temporary()).operation, options);
    expect(events).toEqual([
      { retry: 1, delayMs: 50 },
      { retry: 2, delayMs: 100 },
    ]);
  });

  it('really waits with the default sleep', async () => {
    const { options } = setup({ sleep: undefined, baseDelayMs: 40, random: () => 0.99 });
    const started = performance.now();
    await retry(failing(new Temporary()).operation, options);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});
