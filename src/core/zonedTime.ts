/**
 * Wall-clock time in an IANA time zone, with nothing but `Intl.DateTimeFormat`: the offset of a zone
 * at an instant, the wall clock an instant shows there, and the instant a wall-clock time means there.
 * Daylight-saving changes are handled the way Temporal's "compatible" option does: a time skipped
 * by a spring-forward gap moves forward by the gap (02:30 → 03:30), and a time that happens twice
 * in an autumn overlap means the earlier one. Calendar dates are plain `YYYY-MM-DD` strings.
 */

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

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // h23: midnight is 00, not 24 (some engines say 24 under hour12: false).
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True for names Intl knows (Europe/Berlin, UTC, America/New_York); false for anything else. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** What a clock in `timeZone` shows at `instant` (seconds dropped). */
export function wallClockOf(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** The zone's offset from UTC at `instant`, in milliseconds (Berlin in summer: +7 200 000). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const wall = wallClockOf(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const flooredInstant = Math.floor(instant.getTime() / MINUTE) * MINUTE;
  return asUtc - flooredInstant;
}

/** The instant a wall-clock time means in `timeZone` (see the top of the file for DST gaps and overlaps). */
export function instantFor(wall: WallClock, timeZone: string): Date {
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // The offsets in force a day either side cover any single transition near this time.
  const before = zoneOffsetMs(new Date(local - DAY), timeZone);
  const after = zoneOffsetMs(new Date(local + DAY), timeZone);
  const matches = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((candidate) => sameWallClock(wallClockOf(new Date(candidate), timeZone), wall))
    .sort((a, b) => a - b);
  // No match: the time falls in a gap. Read with the offset before the change, it lands after the gap.
  return new Date(matches[0] ?? local - before);
}

function sameWallClock(a: WallClock, b: WallClock): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

/** `2026-03-30T15:00:00+02:00`: the instant as the zone's clock shows it, for APIs and people alike. */
export function formatZonedIso(instant: Date, timeZone: string): string {
  const wall = wallClockOf(instant, timeZone);
  const offsetMinutes = Math.round(zoneOffsetMs(instant, timeZone) / MINUTE);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${formatDate(wall)}T${pad(wall.hour)}:${pad(wall.minute)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The calendar date in `timeZone` at `instant`. */
export function dateIn(instant: Date, timeZone: string): CalendarDate {
  const { year, month, day } = wallClockOf(instant, timeZone);
  return { year, month, day };
}

/** `YYYY-MM-DD`. */
export function formatDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${pad(date.month)}-${pad(date.day)}`;
}

/** Reads `YYYY-MM-DD`; undefined when it is not a real date (2026-02-30). */
export function parseDate(text: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isRealDate(date) ? date : undefined;
}

export function isRealDate(date: CalendarDate): boolean {
  const probe = new Date(Date.UTC(date.year, date.month - 1, date.day));
  return probe.getUTCFullYear() === date.year && probe.getUTCMonth() === date.month - 1 && probe.getUTCDate() === date.day;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** Whole days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
