/** The scheduled-digest settings: defaults, values in minutes, and clear refusals. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/infrastructure/config.ts';
import { minimalSettings, problemsOf } from '../../helpers/settings.ts';

describe('digest settings', () => {
  it('default to a 2-hour grace period, an hour of retries and 8 at once', () => {
    expect(loadConfig(minimalSettings).digests).toEqual({ graceMs: 2 * 3_600_000, retryWindowMs: 3_600_000, concurrency: 8 });
  });

  it('take minutes and a whole number', () => {
    const config = loadConfig({ ...minimalSettings, DIGEST_GRACE_MINUTES: '30', DIGEST_RETRY_MINUTES: '15', DIGEST_CONCURRENCY: '20' });
    expect(config.digests).toEqual({ graceMs: 30 * 60_000, retryWindowMs: 15 * 60_000, concurrency: 20 });
    expect(loadConfig({ ...minimalSettings, DIGEST_GRACE_MINUTES: '0' }).digests.graceMs).toBe(0);
  });

  it('refuses values that cannot be used, naming the setting', () => {
    const problems = problemsOf({ ...minimalSettings, DIGEST_GRACE_MINUTES: 'two hours', DIGEST_RETRY_MINUTES: '0', DIGEST_CONCURRENCY: '1000' });
    expect(problems.join('\n')).toMatch(/DIGEST_GRACE_MINUTES/);
    expect(problems.join('\n')).toMatch(/DIGEST_RETRY_MINUTES/);
    expect(problems.join('\n')).toMatch(/DIGEST_CONCURRENCY/);
  });
});
