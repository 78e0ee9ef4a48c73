import { describe, expect, it, vi } from 'vitest';
import { TokenCache } from '../../../src/agentAuth/tokenCache.ts';

const ref = { connection: 'gmail', identifier: 'u1' };

describe('TokenCache', () => {
  it('reuses a token until shortly before it expires', async () => {
    let now = 0;
    const cache = new TokenCache({ now: () => new Date(now), refreshMarginMs: 60_000, unknownExpiryTtlMs: 1000 });
    const read = vi.fn(async () => ({ value: `t${read.mock.calls.length}`, expiresAt: new Date(now + 3_600_000) }));
    expect((await cache.get(ref, read)).value).toBe('t1');
    now = 3_500_000;
    expect((await cache.get(ref, read)).value).toBe('t1');
    now = 3_545_000; // inside the margin
    expect((await cache.get(ref, read)).value).toBe('t2');
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent misses', async () => {
    const cache = new TokenCache({ now: () => new Date(0), refreshMarginMs: 0, unknownExpiryTtlMs: 1000 });
    let release!: () => void;
    const read = vi.fn(
      () => new Promise<{ value: string; expiresAt: undefined }>((resolve) => {
        release = () => resolve({ value: 'x', expiresAt: undefined });
      }),
    );
    const all = Promise.all(Array.from({ length: 20 }, () => cache.get(ref, read)));
    release();
    expect((await all).every((t) => t.value === 'x')).toBe(true);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('forgets a dropped token and does not cache failures', async () => {
    const cache = new TokenCache({ now: () => new Date(0), refreshMarginMs: 0, unknownExpiryTtlMs: 1000 });
    const failing = vi.fn(async () => {
      throw new Error('down');
    });
    await expect(cache.get(ref, failing)).rejects.toThrow('down');
    const read = vi.fn(async () => ({ value: 'ok', expiresAt: undefined }));
    await cache.get(ref, read);
    cache.drop(ref);
    await cache.get(ref, read);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
