import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/infrastructure/config.ts';
import { minimalSettings as minimal, problemsOf } from '../../helpers/settings.ts';

describe('AUDIT_RETENTION_DAYS', () => {
  it('keeps audit entries 90 days unless told otherwise', () => {
    expect(loadConfig(minimal).auditRetentionDays).toBe(90);
    expect(loadConfig({ ...minimal, AUDIT_RETENTION_DAYS: ' 365 ' }).auditRetentionDays).toBe(365);
  });

  it('refuses anything but a whole number of days from 1, naming the setting and an example', () => {
    for (const bad of ['0', '-5', '1.5', 'forever', '99999']) {
      const text = problemsOf({ ...minimal, AUDIT_RETENTION_DAYS: bad }).join('\n');
      expect(text).toContain('AUDIT_RETENTION_DAYS');
      expect(text).toMatch(/day/);
    }
  });
});
