/** `/digest`'s words, and its answers: the user's search words cannot mention, broadcast or link. */
import { describe, expect, it } from 'vitest';
import { buildDigestStatus, buildDigestUsage, formatSlot } from '../../../src/slack/blocks/digestStatus.ts';
import { parseDigestArgs } from '../../../src/slack/parsing/digestArgs.ts';
import { checkBlocks } from '../../standins/slackApi.ts';
import { textObjects } from './blockWalk.ts';

const hostile = '<!channel> @here <@U123> <https://evil.example|bank> & \u202Egnp.exe';

describe('parseDigestArgs', () => {
  it.each([
    ['', { ok: true, kind: 'show' }],
    ['  OFF ', { ok: true, kind: 'off' }],
    ['pause', { ok: true, kind: 'pause' }],
    ['resume', { ok: true, kind: 'resume' }],
    ['weekdays 9:00', { ok: true, kind: 'set', plan: { cron: '0 9 * * 1-5', count: 5 } }],
    ['every day at 8am', { ok: true, kind: 'set', plan: { cron: '0 8 * * *', count: 5 } }],
    ['mondays 9', { ok: true, kind: 'set', plan: { cron: '0 9 * * 1', count: 5 } }],
    ['weekdays 9:00 5 from:boss', { ok: true, kind: 'set', plan: { cron: '0 9 * * 1-5', count: 5, search: 'from:boss' } }],
    ['weekdays 9:00 12 from:boss subject:&lt;urgent&gt;', { ok: true, kind: 'set', plan: { cron: '0 9 * * 1-5', count: 12, search: 'from:boss subject:<urgent>' } }],
  ])('reads “%s”', (text, expected) => {
    expect(parseDigestArgs(text)).toEqual(expected);
  });

  it.each([
    ['weekdays 9:00 99', /out of range/],
    ['weekdays', /at what time/],
    ['sometimes 9', /“sometimes”/],
  ])('refuses “%s” with a reason', (text, problem) => {
    const parsed = parseDigestArgs(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});

describe('digest answers', () => {
  it('shows the next delivery in the user zone', () => {
    expect(formatSlot(new Date('2026-12-01T08:00:00Z'), 'Europe/Berlin')).toBe('Tue 1 Dec, 09:00 (Europe/Berlin)');
    expect(formatSlot(new Date('2026-12-01T08:00:00Z'), 'America/New_York')).toBe('Tue 1 Dec, 03:00 (America/New_York)');
  });

  const messages = {
    set: buildDigestStatus({ cron: '0 9 * * 1-5', count: 5, search: hostile, paused: false, timeZone: 'UTC', next: new Date() }, 'Done.'),
    paused: buildDigestStatus({ cron: '0 9 * * 1', count: 1, search: hostile, paused: true, timeZone: 'UTC', next: undefined }),
    none: buildDigestStatus(undefined),
    usage: buildDigestUsage(`I could not read “${hostile}” as a time.`),
  };
  it.each(Object.entries(messages))('%s: verbatim, nothing live from the user, inside Block Kit limits', (_name, message) => {
    for (const object of textObjects(message.blocks)) {
      if (object.type === 'mrkdwn') {
        expect(object.verbatim).toBe(true);
        expect(object.text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil|\u202E/);
      }
    }
    expect(message.text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil|\u202E/);
    expect(checkBlocks(message.blocks)).toEqual([]);
  });
});
