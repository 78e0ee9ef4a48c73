import { describe, expect, it } from 'vitest';
import { parseEventArgs } from '../../../../src/slack/parsing/eventArgs.ts';

const CONTEXT = { now: new Date('2026-03-27T09:00:00Z'), timeZone: 'Europe/Berlin' };

describe('parseEventArgs', () => {
  it.each([
    ['tomorrow 3pm for an hour called Design review', 'Design review', 'tomorrow 3pm for an hour', '2026-03-28T14:00:00Z', '2026-03-28T15:00:00Z'],
    ['friday 14:30: Budget', 'Budget', 'friday 14:30', '2026-04-03T12:30:00Z', '2026-04-03T13:00:00Z'],
    ['Design review friday at 2pm', 'Design review', 'friday at 2pm', '2026-04-03T12:00:00Z', '2026-04-03T12:30:00Z'],
    ['Lunch with Sam on friday at noon', 'Lunch with Sam', 'on friday at noon', '2026-04-03T10:00:00Z', '2026-04-03T10:30:00Z'],
    ['tomorrow 10am Team sync', 'Team sync', 'tomorrow 10am', '2026-03-28T09:00:00Z', '2026-03-28T09:30:00Z'],
    ['1:1 tomorrow 10am', '1:1', 'tomorrow 10am', '2026-03-28T09:00:00Z', '2026-03-28T09:30:00Z'],
    ['“Q3 planning” dec 3 at 9 for 2 hours', 'Q3 planning', 'dec 3 at 9 for 2 hours', '2026-12-03T08:00:00Z', '2026-12-03T10:00:00Z'],
    ['Call with &lt;vendor&gt; tomorrow at 4pm', 'Call with <vendor>', 'tomorrow at 4pm', '2026-03-28T15:00:00Z', '2026-03-28T15:30:00Z'],
  ])('%j', (text, title, whenText, start, end) => {
    expect(parseEventArgs(text, CONTEXT)).toEqual({ ok: true, title, whenText, when: { kind: 'timed', start: new Date(start), end: new Date(end) } });
  });

  it('makes an all-day event without a time', () => {
    expect(parseEventArgs('Offsite dec 3 for 2 days', CONTEXT)).toMatchObject({ ok: true, title: 'Offsite', when: { kind: 'allDay', date: '2026-12-03', endDate: '2026-12-05' } });
  });

  it.each([
    ['', /Tell me what and when/],
    ['tomorrow at 3pm', /What should the event be called/],
    ['called Design review', /When should “Design review” be/],
    ['Design review', /couldn't find a date or time/],
    ['Retro jan 1 2020', /in the past/],
    ['Design review feb 30', /February 30 is not a date/],
    ['tomorrow: ' + 'x'.repeat(300), /too long/],
  ])('%j → a problem', (text, problem) => {
    const parsed = parseEventArgs(text, CONTEXT);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});
