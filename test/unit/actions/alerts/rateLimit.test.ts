import { describe, expect, it } from 'vitest';
import { takeToken } from '../../../../src/actions/alerts/rateLimit.ts';

const LIMIT = { capacity: 3, refillEveryMs: 60_000 };

describe('takeToken', () => {
  it('allows a burst up to the capacity, then says how long until the next token', () => {
    let state;
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const result = takeToken(state, LIMIT, 1_000);
      allowed.push(result.allowed);
      state = result.state;
      if (i === 3) expect(result.retryAfterMs).toBe(60_000);
    }
    expect(allowed).toEqual([true, true, true, false]);
  });

  it('refills one token per interval, never beyond the capacity', () => {
    const empty = { tokens: 0, at: 0 };
    expect(takeToken(empty, LIMIT, 30_000)).toMatchObject({ allowed: false, retryAfterMs: 30_000 });
    expect(takeToken(empty, LIMIT, 60_000).allowed).toBe(true);
    expect(takeToken(empty, LIMIT, 10 * 60_000).state.tokens).toBe(2);
  });

  it('grants nothing extra when the clock goes backwards', () => {
    expect(takeToken({ tokens: 0, at: 100_000 }, LIMIT, 0).allowed).toBe(false);
  });
});
