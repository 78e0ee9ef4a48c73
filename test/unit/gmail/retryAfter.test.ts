import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/infrastructure/http/retryAfter.ts';

const NOW = Date.UTC(2025, 6, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('  7 ', NOW)).toBe(7_000);
  });

  it('reads an HTTP date as the time left until then', () => {
    expect(parseRetryAfter('Tue, 01 Jul 2025 12:00:30 GMT', NOW)).toBe(30_000);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Tue, 01 Jul 2025 11:00:00 GMT', NOW)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['2', '9'], NOW)).toBe(2_000);
  });

  it('ignores what it cannot read', () => {
    for (const value of [undefined, null, '', '-5', '1.5', 'soon', 'Tue, 99 Foo']) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });
});
