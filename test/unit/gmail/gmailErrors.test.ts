import { describe, expect, it } from 'vitest';
import { RateLimitedError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../../src/core/errors.ts';
import {
  failureFor,
  finalError,
  googleReason,
  networkFailure,
  retryVerdict,
  TransientFailure,
  worst,
} from '../../../src/connectors/gmail/gmailErrors.ts';

const googleBody = (code: number, reason: string) =>
  JSON.stringify({ error: { code, message: 'Secret subject: payroll', errors: [{ domain: 'global', reason }], status: 'X' } });

describe('failureFor', () => {
  it('401 is final: the caller refreshes the token', () => {
    const error = failureFor('listing messages', 401, undefined, googleBody(401, 'authError'));
    expect(error).toBeInstanceOf(UpstreamUnauthorizedError);
    expect(retryVerdict(error)).toBe(false);
  });

  it('429, and 403 with a rate-limit reason, are temporary rate limits carrying Retry-After', () => {
    for (const [status, reason] of [
      [429, 'rateLimitExceeded'],
      [403, 'rateLimitExceeded'],
      [403, 'userRateLimitExceeded'],
    ] as const) {
      const error = failureFor('listing messages', status, '2', googleBody(status, reason));
      expect(error).toBeInstanceOf(TransientFailure);
      expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 2_000 });
      expect(retryVerdict(error)).toEqual({ retryAfterMs: 2_000 });
    }
  });

  it('5xx and 408 are temporary outages', () => {
    expect(failureFor('the batch request', 503, undefined, '')).toMatchObject({ kind: 'unavailable' });
    expect(failureFor('the batch request', 500, undefined, '<html>')).toMatchObject({ kind: 'unavailable' });
    expect(failureFor('the batch request', 408, undefined, '')).toMatchObject({ kind: 'unavailable' });
  });

  it('other 4xx are final, named by step, status and reason, never quoting the body', () => {
    const error = failureFor('listing messages', 403, undefined, googleBody(403, 'insufficientPermissions'));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.message).toBe('Gmail: listing messages was refused with HTTP 403 (insufficientPermissions)');
    expect(failureFor('listing messages', 400, undefined, 'not json').message).toBe('Gmail: listing messages was refused with HTTP 400');
  });
});

describe('googleReason', () => {
  it('reads errors[0].reason, falls back to status, and drops anything that does not look like a code', () => {
    expect(googleReason(googleBody(403, 'dailyLimitExceeded'))).toBe('dailyLimitExceeded');
    expect(googleReason(JSON.stringify({ error: { status: 'PERMISSION_DENIED' } }))).toBe('PERMISSION_DENIED');
    expect(googleReason(googleBody(403, 'has spaces and token ya29.x'))).toBeUndefined();
    expect(googleReason('nope')).toBeUndefined();
  });
});

describe('finalError', () => {
  it('codes transient failures once retries are spent, and passes coded errors through', () => {
    const limited = finalError(new TransientFailure('rate-limited', 'listing messages failed with HTTP 429', 3_000));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(3_000);

    const down = finalError(networkFailure('listing messages', Object.assign(new Error('x'), { name: 'TimeoutError' })));
    expect(down).toBeInstanceOf(UpstreamUnavailableError);
    expect((down as Error).message).toBe('Gmail: listing messages timed out');

    const refused = finalError(networkFailure('listing messages', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
    expect((refused as Error).message).toBe('Gmail: listing messages got no answer');

    const unauthorized = new UpstreamUnauthorizedError('Gmail');
    expect(finalError(unauthorized)).toBe(unauthorized);
  });
});

describe('worst', () => {
  it('prefers a rate limit, with the longest wait asked', () => {
    const picked = worst([
      new TransientFailure('unavailable', 'a', 9_000),
      new TransientFailure('rate-limited', 'b', 1_000),
      new TransientFailure('rate-limited', 'c', 2_000),
      new TransientFailure('rate-limited', 'd'),
    ]);
    expect(picked.message).toBe('c');
    expect(worst([]).kind).toBe('unavailable');
  });
});
