/** Schedules in the user's words, and the times they give in the user's zone, across DST changes. */
import { describe, expect, it } from 'vitest';
import { latestSlotBy, nextSlot, nextSlots } from '../../../../src/actions/digests/recurrence.ts';
import { describeSchedule, parseScheduleWords } from '../../../../src/actions/digests/scheduleWords.ts';

describe('parseScheduleWords', () => {
  it.each([
    ['weekdays 9:00', '0 9 * * 1-5', ''],
    ['every day at 8am', '0 8 * * *', ''],
    ['mondays 9', '0 9 * * 1', ''],
    ['Mon, Wed and Fri at 5:30pm', '30 17 * * 1,3,5', ''],
    ['mon-fri 07.15', '15 7 * * 1-5', ''],
    ['weekends at 10 am', '0 10 * * 0,6', ''],
    ['every morning at 9', '0 9 * * *', ''],
    ['every evening at 6', '0 18 * * *', ''],
    ['daily noon', '0 12 * * *', ''],
    ['at 7', '0 7 * * *', ''],
    ['tuesdays 12am', '0 0 * * 2', ''],
    ['weekdays 9:00 5 from:boss', '0 9 * * 1-5', '5 from:boss'],
    ['every day at 8am Label:Work  is:important', '0 8 * * *', 'Label:Work  is:important'],
  ])('reads “%s”', (text, cron, rest) => {
    expect(parseScheduleWords(text)).toEqual({ ok: true, cron, rest });
  });

  it.each([
    ['weekdays', /at what time/],
    ['', /at what time/],
    ['weekdays soon', /“soon”/],
    ['mondays 25', /0 to 23/],
    ['mondays 9:75', /not a time/],
    ['mondays 13pm', /not a time/],
    ['someday 9', /“someday”/],
  ])('refuses “%s” with a reason', (text, problem) => {
    const parsed = parseScheduleWords(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('says a schedule back in words', () => {
    expect(describeSchedule('0 9 * * 1-5')).toBe('every weekday at 9:00');
    expect(describeSchedule('5 8 * * *')).toBe('every day at 8:05');
    expect(describeSchedule('30 17 * * 1,3,5')).toBe('Mondays, Wednesdays and Fridays at 17:30');
    expect(describeSchedule('0 9 * * 1')).toBe('Mondays at 9:00');
    expect(describeSchedule('0 10 * * 0,6')).toBe('weekends at 10:00');
  });
});

describe('recurrence in the user zone', () => {
  it('gives weekday 9:00 in each zone', () => {
    // Friday 2026-12-04: Berlin is UTC+1, New York UTC-5.
    const after = new Date('2026-12-04T00:00:00Z');
    expect(nextSlots('0 9 * * 1-5', 'Europe/Berlin', after, 2).map((d) => d.toISOString())).toEqual([
      '2026-12-04T08:00:00.000Z',
      '2026-12-07T08:00:00.000Z',
    ]);
    expect(nextSlot('0 9 * * 1-5', 'America/New_York', after).toISOString()).toBe('2026-12-04T14:00:00.000Z');
  });

  it('runs a 2:30 digest once on the spring-forward day, just after the gap', () => {
    // New York skips 02:00-03:00 on 2026-03-08.
    const slots = nextSlots('30 2 * * *', 'America/New_York', new Date('2026-03-07T00:00:00Z'), 3).map((d) => d.toISOString());
    expect(slots).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
    // 07:30Z on the 8th is 03:30 EDT: once that day, not skipped.
  });

  it('runs a 1:30 digest once on the fall-back day, though 1:30 happens twice', () => {
    // New York repeats 01:00-02:00 on 2026-11-01 (05:00-06:00Z EDT, then 06:00-07:00Z EST).
    const slots = nextSlots('30 1 * * *', 'America/New_York', new Date('2026-10-31T00:00:00Z'), 3).map((d) => d.toISOString());
    expect(slots).toEqual(['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
    // Asked from inside the overlap (after the first 1:30), the next is the next day, not the second 1:30.
    expect(nextSlot('30 1 * * *', 'America/New_York', new Date('2026-11-01T05:45:00Z')).toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });

  it('keeps 9:00 local across a DST change (the UTC time moves by an hour)', () => {
    const slots = nextSlots('0 9 * * *', 'Europe/Berlin', new Date('2026-03-28T00:00:00Z'), 2).map((d) => d.toISOString());
    expect(slots).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
  });

  it('finds the latest missed slot after a bot was down for days', () => {
    const first = new Date('2026-12-01T08:00:00Z');
    expect(latestSlotBy('0 9 * * *', 'Europe/Berlin', first, new Date('2026-12-04T08:30:00Z')).toISOString()).toBe('2026-12-04T08:00:00.000Z');
    expect(latestSlotBy('0 9 * * *', 'Europe/Berlin', first, new Date('2026-12-01T08:30:00Z')).toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });
});
