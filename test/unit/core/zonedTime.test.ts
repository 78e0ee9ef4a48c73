import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  formatZonedIso,
  instantFor,
  isValidTimeZone,
  parseDate,
  wallClockOf,
  weekdayOf,
  zoneOffsetMs,
} from '../../../src/core/zonedTime.ts';

const HOUR = 3_600_000;

describe('zone offsets and wall clocks', () => {
  it.each([
    ['Europe/Berlin', '2026-01-15T12:00:00Z', 1],
    ['Europe/Berlin', '2026-07-15T12:00:00Z', 2],
    ['America/New_York', '2026-01-15T12:00:00Z', -5],
    ['America/New_York', '2026-07-15T12:00:00Z', -4],
    ['Asia/Kolkata', '2026-07-15T12:00:00Z', 5.5],
    ['UTC', '2026-07-15T12:00:00Z', 0],
  ])('%s at %s is UTC%+d', (zone, iso, hours) => {
    expect(zoneOffsetMs(new Date(iso), zone)).toBe(hours * HOUR);
  });

  it('reads the wall clock, midnight as 00', () => {
    expect(wallClockOf(new Date('2026-03-28T23:00:00Z'), 'Europe/Berlin')).toEqual({ year: 2026, month: 3, day: 29, hour: 0, minute: 0 });
  });

  it('knows real zones from made-up ones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('Europe/Berlin; drop table')).toBe(false);
  });
});

describe('instantFor', () => {
  it.each([
    // Ordinary times on either side of a change.
    ['Europe/Berlin', { year: 2026, month: 3, day: 28, hour: 10, minute: 0 }, '2026-03-28T09:00:00.000Z'],
    ['Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 10, minute: 0 }, '2026-03-29T08:00:00.000Z'],
    // Spring forward: 02:00–03:00 does not exist; 02:30 moves forward by the gap to 03:30 CEST.
    ['Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, '2026-03-29T01:30:00.000Z'],
    ['America/New_York', { year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, '2026-03-08T07:30:00.000Z'],
    // Fall back: 02:00–03:00 (Berlin) and 01:00–02:00 (New York) happen twice; the earlier one wins.
    ['Europe/Berlin', { year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, '2026-10-25T00:30:00.000Z'],
    ['America/New_York', { year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, '2026-11-01T05:30:00.000Z'],
    ['America/New_York', { year: 2026, month: 11, day: 1, hour: 3, minute: 0 }, '2026-11-01T08:00:00.000Z'],
  ])('%s %o → %s', (zone, wall, iso) => {
    expect(instantFor(wall, zone).toISOString()).toBe(iso);
  });

  it('round-trips every quarter hour across a year in several zones', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 6 * HOUR + 15 * 60_000) {
        const instant = new Date(t);
        const back = instantFor(wallClockOf(instant, zone), zone);
        // Equal, or the earlier of two instants showing the same wall clock (an overlap).
        expect(wallClockOf(back, zone)).toEqual(wallClockOf(instant, zone));
        expect(back.getTime()).toBeLessThanOrEqual(t);
      }
    }
  });
});

describe('dates', () => {
  it('formats with the zone offset', () => {
    expect(formatZonedIso(new Date('2026-03-30T13:00:00Z'), 'Europe/Berlin')).toBe('2026-03-30T15:00:00+02:00');
    expect(formatZonedIso(new Date('2026-01-05T14:30:00Z'), 'America/New_York')).toBe('2026-01-05T09:30:00-05:00');
    expect(formatZonedIso(new Date('2026-01-05T14:30:00Z'), 'Asia/Kolkata')).toBe('2026-01-05T20:00:00+05:30');
  });

  it('parses only real dates and does calendar arithmetic', () => {
    expect(parseDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseDate('2026-02-29')).toBeUndefined();
    expect(parseDate('2026-2-1')).toBeUndefined();
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(daysBetween({ year: 2026, month: 3, day: 28 }, { year: 2026, month: 3, day: 30 })).toBe(2);
    expect(weekdayOf({ year: 2026, month: 3, day: 27 })).toBe(5);
  });
});
