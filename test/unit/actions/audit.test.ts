import { describe, expect, it } from 'vitest';
import { audited, outcomeOf, type AuditEntry, type AuditLog } from '../../../src/actions/audit.ts';
import { NeedsAuthorizationError, RateLimitedError } from '../../../src/core/errors.ts';

const T0 = new Date('2026-03-27T09:00:00Z');
const subject = { identifier: 'slack:T:T1:U1', slackUserId: 'U1', teamId: 'T1', action: 'calendar.create_event', connection: 'google-calendar' };

function memoryLog(failing = false): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async record(entry) {
      if (failing) throw new Error('database is down');
      entries.push(entry);
    },
    async recent(identifier, limit) {
      return entries.filter((e) => e.identifier === identifier).reverse().slice(0, limit);
    },
  };
}

describe('audited', () => {
  it('records success with who, what, which connection and when, and returns the result', async () => {
    const log = memoryLog();
    expect(await audited(log, subject, () => T0, async () => 'secret event title')).toBe('secret event title');
    expect(log.entries).toEqual([{ ...subject, at: T0, outcome: 'ok' }]);
    expect(JSON.stringify(log.entries)).not.toContain('secret');
  });

  it('records a failure by its code only, and rethrows it', async () => {
    const log = memoryLog();
    await expect(audited(log, subject, () => T0, async () => Promise.reject(new NeedsAuthorizationError('google-calendar')))).rejects.toBeInstanceOf(NeedsAuthorizationError);
    await expect(audited(log, subject, () => T0, async () => Promise.reject(new Error('contents of mail')))).rejects.toThrow();
    expect(log.entries.map((e) => [e.outcome, e.errorCode])).toEqual([['needs_authorization', 'NEEDS_AUTHORIZATION'], ['failed', 'INTERNAL']]);
    expect(JSON.stringify(log.entries)).not.toContain('contents of mail');
  });

  it('does not fail the action when the log cannot be written', async () => {
    const problems: unknown[] = [];
    expect(await audited(memoryLog(true), subject, () => T0, async () => 1, (e) => problems.push(e))).toBe(1);
    expect(problems).toHaveLength(1);
  });

  it('refuses anything but an action name as the action', async () => {
    await expect(audited(memoryLog(), { ...subject, action: 'from:boss@example.com' }, () => T0, async () => 1)).rejects.toThrow(/not an action name/);
  });
});

describe('outcomeOf', () => {
  it('maps errors to outcomes and codes', () => {
    expect(outcomeOf()).toEqual({ outcome: 'ok' });
    expect(outcomeOf(new RateLimitedError('Gmail'))).toEqual({ outcome: 'failed', errorCode: 'RATE_LIMITED' });
  });
});
