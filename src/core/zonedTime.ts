/**
 * Wall-clock time in an IANA time zone, through Temporal (the `temporal-polyfill` package until
 * Node ships it): the wall clock an instant shows there, and the instant a wall-clock time means
 * there. Daylight-saving changes follow Temporal's "compatible" rule: a time skipped by a
 * spring-forward gap moves forward by the gap (02:30 → 03:30), and a time that happens twice in an
 * autumn overlap means the earlier one. Calendar dates are plain `YYYY-MM-DD` strings.
 */
import { Temporal } from 'temporal-polyfill';

export interface WallClock {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** True for zone names Temporal knows (Europe/Berlin, UTC, America/New_York); false for anything else. */
export function isValidTimeZone(timeZone: string): boolean {
  // Offsets ("+02:00") are valid to Temporal but are not a place: a user's zone is a name.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timeZone)) return false;
  try {
    Temporal.Now.zonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}

function zoned(instant: Date, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
}

/** What a clock in `timeZone` shows at `instant` (seconds dropped). */
export function wallClockOf(instant: Date, timeZone: string): WallClock {
  const { year, month, day, hour, minute } = zoned(instant, timeZone);
  return { year, month, day, hour, minute };
}

/** The zone's offset from UTC at `instant`, in milliseconds (Berlin in summer: +7 200 000). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  return zoned(instant, timeZone).offsetNanoseconds / 1_000_000;
}

/** The instant a wall-clock time means in `timeZone` (see the top of the file for DST gaps and overlaps). */
export function instantFor(wall: WallClock, timeZone: string): Date {
  const at = Temporal.ZonedDateTime.from({ ...wall, timeZone }, { disambiguation: 'compatible', overflow: 'reject' });
  return new Date(at.epochMilliseconds);
}

/** `2026-03-30T15:00:00+02:00`: the instant as the zone's clock shows it, for APIs and people alike. */
export function formatZonedIso(instant: Date, timeZone: string): string {
  const at = zoned(instant, timeZone).round({ smallestUnit: 'minute', roundingMode: 'floor' });
  return at.toString({ timeZoneName: 'never', fractionalSecondDigits: 0 });
}

/** The calendar date in `timeZone` at `instant`. */
export function dateIn(instant: Date, timeZone: string): CalendarDate {
  const { year, month, day } = zoned(instant, timeZone);
  return { year, month, day };
}

/** `YYYY-MM-DD`. */
export function formatDate(date: CalendarDate): string {
  return plain(date).toString();
}

/** Reads `YYYY-MM-DD`; undefined when it is not a real date (2026-02-30). */
export function parseDate(text: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isRealDate(date) ? date : undefined;
}

export function isRealDate(date: CalendarDate): boolean {
  try {
    Temporal.PlainDate.from(date, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const { year, month, day } = plain(date).add({ days });
  return { year, month, day };
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return plain(a).until(plain(b), { largestUnit: 'days' }).days;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: CalendarDate): number {
  // Temporal counts ISO weekdays, Monday 1 … Sunday 7.
  return plain(date).dayOfWeek % 7;
}

function plain(date: CalendarDate): Temporal.PlainDate {
  return Temporal.PlainDate.from(date, { overflow: 'reject' });
}
