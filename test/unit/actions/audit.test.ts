import { describe, expect, it } from 'vitest';
import { attempt, audited, outcomeOf, type AuditEntry, type AuditLog, type RunOutcome } from '../../../src/actions/audit.ts';
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
  /** A delivery that notes each outcome and how many entries the log held when it was delivered. */
  function recorder(log: { entries: AuditEntry[] }) {
    const delivered: Array<{ outcome: RunOutcome<unknown>; entriesThen: number }> = [];
    return { delivered, deliver: async (outcome: RunOutcome<unknown>) => void delivered.push({ outcome, entriesThen: log.entries.length }) };
  }

  it('delivers the result first, then records who, what, which connection and when', async () => {
    const log = memoryLog();
    const { delivered, deliver } = recorder(log);
    await audited(log, subject, () => T0, async () => 'secret event title', deliver);
    expect(delivered).toEqual([{ outcome: { ok: true, result: 'secret event title' }, entriesThen: 0 }]);
    expect(log.entries).toEqual([{ ...subject, at: T0, outcome: 'ok' }]);
    expect(JSON.stringify(log.entries)).not.toContain('secret');
  });

  it('delivers a failure as a value and records it by its code only', async () => {
    const log = memoryLog();
    const { delivered, deliver } = recorder(log);
    const needsAuth = new NeedsAuthorizationError('google-calendar');
    await audited(log, subject, () => T0, async () => Promise.reject(needsAuth), deliver);
    await audited(log, subject, () => T0, async () => Promise.reject(new Error('contents of mail')), deliver);
    expect(delivered.map((d) => d.outcome.ok)).toEqual([false, false]);
    expect(delivered[0]!.outcome).toEqual({ ok: false, error: needsAuth });
    expect(log.entries.map((e) => [e.outcome, e.errorCode])).toEqual([['needs_authorization', 'NEEDS_AUTHORIZATION'], ['failed', 'INTERNAL']]);
    expect(JSON.stringify(log.entries)).not.toContain('contents of mail');
  });

  it('records the time the action ended, not the time delivery finished', async () => {
    const log = memoryLog();
    let clock = T0;
    await audited(log, subject, () => clock, async () => 1, async () => void (clock = new Date(T0.getTime() + 60_000)));
    expect(log.entries[0]!.at).toEqual(T0);
  });

  it('still records the run when delivery fails, and passes the delivery failure on', async () => {
    const log = memoryLog();
    await expect(audited(log, subject, () => T0, async () => 1, async () => Promise.reject(new Error('Slack is down')))).rejects.toThrow('Slack is down');
    expect(log.entries.map((e) => e.outcome)).toEqual(['ok']);
  });

  it('does not fail the delivery when the log cannot be written', async () => {
    const problems: unknown[] = [];
    const log = memoryLog(true);
    const { delivered, deliver } = recorder(log);
    await audited(log, subject, () => T0, async () => 1, deliver, (e) => problems.push(e));
    expect(delivered.map((d) => d.outcome)).toEqual([{ ok: true, result: 1 }]);
    expect(problems).toHaveLength(1);
  });

  it('refuses anything but an action name as the action, before running it', async () => {
    let ran = false;
    const run = async () => void (ran = true);
    await expect(audited(memoryLog(), { ...subject, action: 'from:boss@example.com' }, () => T0, run, async () => {})).rejects.toThrow(/not an action name/);
    expect(ran).toBe(false);
  });
});

describe('attempt', () => {
  it('turns a result or a throw into a value', async () => {
    expect(await attempt(async () => 2)).toEqual({ ok: true, result: 2 });
    const error = new RateLimitedError('Gmail');
    expect(await attempt(async () => Promise.reject(error))).toEqual({ ok: false, error });
  });
});

describe('outcomeOf', () => {
  it('maps errors to outcomes and codes', () => {
    expect(outcomeOf()).toEqual({ outcome: 'ok' });
    expect(outcomeOf(new RateLimitedError('Gmail'))).toEqual({ outcome: 'failed', errorCode: 'RATE_LIMITED' });
  });
});
