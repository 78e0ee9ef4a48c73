import { describe, expect, it } from 'vitest';
import { parseWhen, tokenize, type When } from '../../../../src/actions/calendar/whenParser.ts';

// Friday 27 March 2026, 10:00 in Berlin (CET, UTC+1); DST starts on Sunday the 29th at 02:00.
const BERLIN = { now: new Date('2026-03-27T09:00:00Z'), timeZone: 'Europe/Berlin' };
// Friday 6 March 2026, 12:00 in New York (EST, UTC-5); DST starts on Sunday the 8th at 02:00.
const NEW_YORK = { now: new Date('2026-03-06T17:00:00Z'), timeZone: 'America/New_York' };

const timed = (start: string, end: string): When => ({ kind: 'timed', start: new Date(start), end: new Date(end) });
const allDay = (date: string, endDate: string): When => ({ kind: 'allDay', date, endDate });

describe('parseWhen in Europe/Berlin', () => {
  it.each<[string, When]>([
    ['tomorrow at 3pm', timed('2026-03-28T14:00:00Z', '2026-03-28T14:30:00Z')],
    ['tomorrow 10am for an hour', timed('2026-03-28T09:00:00Z', '2026-03-28T10:00:00Z')],
    ['tomorrow 10 a.m. for half an hour', timed('2026-03-28T09:00:00Z', '2026-03-28T09:30:00Z')],
    ['today at noon', timed('2026-03-27T11:00:00Z', '2026-03-27T11:30:00Z')],
    ['at 3', timed('2026-03-27T14:00:00Z', '2026-03-27T14:30:00Z')],
    ['at 9', timed('2026-03-28T08:00:00Z', '2026-03-28T08:30:00Z')], // 09:00 has passed today
    ['tomorrow', allDay('2026-03-28', '2026-03-29')],
    ['next monday', allDay('2026-03-30', '2026-03-31')],
    ['friday', allDay('2026-04-03', '2026-04-04')], // today is Friday: the next one
    ['this thursday', allDay('2026-04-02', '2026-04-03')],
    ['on friday at 14:30 for 45 minutes', timed('2026-04-03T12:30:00Z', '2026-04-03T13:15:00Z')],
    ['dec 3 at 9', timed('2026-12-03T08:00:00Z', '2026-12-03T08:30:00Z')],
    ['3rd of december', allDay('2026-12-03', '2026-12-04')],
    ['December 3rd, 2027 at 9:15am', timed('2027-12-03T08:15:00Z', '2027-12-03T08:45:00Z')],
    ['jan 5', allDay('2027-01-05', '2027-01-06')], // already past this year: next year's
    ['2026-12-03 09:00', timed('2026-12-03T08:00:00Z', '2026-12-03T08:30:00Z')],
    ['2026-12-03T09:00', timed('2026-12-03T08:00:00Z', '2026-12-03T08:30:00Z')],
    ['dec 3 for 2 days', allDay('2026-12-03', '2026-12-05')],
    ['monday all day', allDay('2026-03-30', '2026-03-31')],
    ['tomorrow 3-4pm', timed('2026-03-28T14:00:00Z', '2026-03-28T15:00:00Z')],
    ['tomorrow from 10 to 11:30am', timed('2026-03-28T09:00:00Z', '2026-03-28T10:30:00Z')],
    ['tomorrow 8-9pm', timed('2026-03-28T19:00:00Z', '2026-03-28T20:00:00Z')],
    ['tomorrow 11-1pm', timed('2026-03-28T10:00:00Z', '2026-03-28T12:00:00Z')],
    ['tomorrow 11pm-1am', timed('2026-03-28T22:00:00Z', '2026-03-29T00:00:00Z')],
    ['tomorrow 9am for 1h30', timed('2026-03-28T08:00:00Z', '2026-03-28T09:30:00Z')],
    ['tomorrow 9am for an hour and a half', timed('2026-03-28T08:00:00Z', '2026-03-28T09:30:00Z')],
    ['tomorrow 9am for 2 hours and 15 minutes', timed('2026-03-28T08:00:00Z', '2026-03-28T10:15:00Z')],
    ['in 2 hours', timed('2026-03-27T11:00:00Z', '2026-03-27T11:30:00Z')],
    ['in 3 days', allDay('2026-03-30', '2026-03-31')],
    ['the day after tomorrow at 8', timed('2026-03-29T06:00:00Z', '2026-03-29T06:30:00Z')],
    ['tonight at 8', timed('2026-03-27T19:00:00Z', '2026-03-27T19:30:00Z')],
    ['Tomorrow, 3 PM!', timed('2026-03-28T14:00:00Z', '2026-03-28T14:30:00Z')],
  ])('%j', (text, expected) => {
    expect(parseWhen(text, BERLIN)).toEqual({ ok: true, when: expected });
  });
});

describe('daylight-saving changes', () => {
  it.each<[string, typeof BERLIN, When]>([
    // Berlin, spring: Sunday 02:30 does not exist and moves to 03:30 CEST.
    ['sunday at 02:30', BERLIN, timed('2026-03-29T01:30:00Z', '2026-03-29T02:00:00Z')],
    ['sunday 10am', BERLIN, timed('2026-03-29T08:00:00Z', '2026-03-29T08:30:00Z')],
    ['saturday 10am', BERLIN, timed('2026-03-28T09:00:00Z', '2026-03-28T09:30:00Z')],
    // A length is real time: 01:00 CET plus two hours is 04:00 CEST.
    ['sunday 01:00 for 2 hours', BERLIN, timed('2026-03-29T00:00:00Z', '2026-03-29T02:00:00Z')],
    // A range is wall-clock: 01:00 to 04:00 on that night is two hours long.
    ['sunday 01:00-04:00', BERLIN, timed('2026-03-29T00:00:00Z', '2026-03-29T02:00:00Z')],
    // New York, spring.
    ['sunday at 02:30', NEW_YORK, timed('2026-03-08T07:30:00Z', '2026-03-08T08:00:00Z')],
    ['sunday 9am', NEW_YORK, timed('2026-03-08T13:00:00Z', '2026-03-08T13:30:00Z')],
    ['saturday 9am', NEW_YORK, timed('2026-03-07T14:00:00Z', '2026-03-07T14:30:00Z')],
  ])('%j (%s)', (text, context, expected) => {
    expect(parseWhen(text, context)).toEqual({ ok: true, when: expected });
  });

  it('takes the earlier of two 02:30s in Berlin and 01:30s in New York in autumn', () => {
    const berlin = { now: new Date('2026-10-23T08:00:00Z'), timeZone: 'Europe/Berlin' };
    expect(parseWhen('sunday at 02:30', berlin)).toEqual({ ok: true, when: timed('2026-10-25T00:30:00Z', '2026-10-25T01:00:00Z') });
    expect(parseWhen('sunday 10am', berlin)).toEqual({ ok: true, when: timed('2026-10-25T09:00:00Z', '2026-10-25T09:30:00Z') });
    const newYork = { now: new Date('2026-10-30T16:00:00Z'), timeZone: 'America/New_York' };
    expect(parseWhen('sunday 01:30 for an hour', newYork)).toEqual({ ok: true, when: timed('2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z') });
    expect(parseWhen('sunday 9am', newYork)).toEqual({ ok: true, when: timed('2026-11-01T14:00:00Z', '2026-11-01T14:30:00Z') });
  });

  it('reads "today" and "tomorrow" in the user\'s zone, not UTC', () => {
    // 23:30 in New York is already the next day in UTC.
    const late = { now: new Date('2026-03-06T04:30:00Z'), timeZone: 'America/New_York' };
    expect(parseWhen('tomorrow', late)).toEqual({ ok: true, when: allDay('2026-03-06', '2026-03-07') });
  });
});

describe('what it refuses, with a reason', () => {
  it.each([
    ['', /Tell me when/],
    ['for an hour', /which day or time/],
    ['tomorrow for an hour', /At what time/],
    ['yesterday at 3pm', /couldn't read “yesterday”/],
    ['today at 9am', /in the past/],
    ['2025-12-03', /in the past/],
    ['2029-01-01', /more than two years/],
    ['feb 30', /February 30 is not a date/],
    ['2026-02-30', /not a date/],
    ['12/3', /could be read two ways/],
    ['tomorrow at 25:00', /not a time/],
    ['tomorrow at 13pm', /not a time/],
    ['friday monday', /more than one date/],
    ['tomorrow 3pm 4pm', /more than one time/],
    ['tomorrow 3-4pm for an hour', /both an end time and a length/],
    ['tomorrow at 3pm all day', /either all day or at a time/],
    ['tomorrow 3pm for 2 days', /whole days/],
    ['tomorrow 3pm for 25 hours', /24 hours/],
    ['dec 3 for 40 days', /1 to 31 days/],
    ['in 2 hours on friday', /not both/],
    ['sometime soon', /couldn't read “sometime”/],
  ])('%j', (text, problem) => {
    const result = parseWhen(text, BERLIN);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it('refuses an unknown time zone', () => {
    expect(parseWhen('tomorrow', { now: BERLIN.now, timeZone: 'Nowhere/Land' })).toMatchObject({ ok: false });
  });
});

describe('tokenize', () => {
  it('splits ranges and ISO date-times but keeps ISO dates whole', () => {
    expect(tokenize('Tomorrow 3 PM-4pm')).toEqual(['tomorrow', '3pm', '-', '4pm']);
    expect(tokenize('2026-12-03T09:00, 10am–11am')).toEqual(['2026-12-03', '09:00', '10am', '-', '11am']);
  });
});
