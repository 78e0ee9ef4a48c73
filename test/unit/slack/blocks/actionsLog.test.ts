import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../src/actions/audit.ts';
import { buildActionsLog } from '../../../../src/slack/blocks/actionsLog.ts';
import { checkBlocks } from '../../../standins/slackApi.ts';

const AT = new Date('2026-03-27T09:00:00Z');
const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  identifier: 'i', slackUserId: 'U1', teamId: 'T1', action: 'calendar.create_event', connection: 'google-calendar', at: AT, outcome: 'ok', ...overrides,
});

describe('buildActionsLog', () => {
  it('lists each entry: when, what, through which account, and how it ended', () => {
    const { blocks, text } = buildActionsLog(
      [entry(), entry({ action: 'unread.list', connection: 'gmail', outcome: 'needs_authorization', errorCode: 'NEEDS_AUTHORIZATION' }), entry({ action: 'alert.raise', connection: undefined, outcome: 'failed', errorCode: 'RATE_LIMITED' })],
      { connectionLabels: { gmail: 'Gmail', 'google-calendar': 'Google Calendar' } },
    );
    expect(text).toBe('Your last 3 actions.');
    const lines = (blocks[1] as { text: { text: string } }).text.text.split('\n');
    expect(lines[0]).toMatch(/^• <!date\^\d+\^.*>: Created a calendar event \(Google Calendar\), :white_check_mark: done$/);
    expect(lines[1]).toMatch(/Showed your unread email \(Gmail\), :lock: needed your authorization$/);
    expect(lines[2]).toMatch(/Raised a team alert, :x: failed: the service was busy$/);
  });

  it('says so when there is nothing yet, and splits a long log across sections', () => {
    expect(buildActionsLog([]).blocks).toHaveLength(1);
    const long = buildActionsLog(Array.from({ length: 60 }, () => entry({ action: `custom.${'x'.repeat(60)}` })));
    expect(long.blocks.length).toBeGreaterThan(3);
    expect(checkBlocks(long.blocks)).toEqual([]);
    expect(long.text).toBe('Your last 50 actions.');
  });

  it('says how far back the log reaches when told how long entries are kept', () => {
    const shown = JSON.stringify(buildActionsLog([entry(), entry()], { keptDays: 90 }).blocks);
    expect(shown).toContain('Showing your last 2 actions; entries are kept for 90 days.');
    expect(JSON.stringify(buildActionsLog([entry()], { keptDays: 1 }).blocks)).toContain('Showing your last 1 action; entries are kept for 1 day.');
    expect(buildActionsLog([], { keptDays: 7 }).text).toBe("I haven't done anything on your behalf in the last 7 days (entries are kept that long). When I do, it shows here.");
  });
});
