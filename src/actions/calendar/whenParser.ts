/**
 * Ours rather than chrono-node, which (2.9, tried on this file's test phrases) reads "friday" said on
 * a Friday as today, "at 3" as 3 am and "11-1pm" as 11 pm to 1 pm the next day, ignores IANA zone
 * names, and leaves lengths ("for an hour") unread: each of those readings is a test here.
 *
 * Reads when an event is, from a short phrase, relative to `now` in the user's time zone:
 * "tomorrow at 3pm", "tomorrow 10am for an hour", "on friday at 14:30 for 45 minutes", "next monday",
 * "today at noon", "dec 3 at 9", "2026-12-03 09:00". Deterministic, no dependency; the rules are
 * written down here so a user's surprise can be explained:
 * - No time: an all-day event (end date exclusive, as Google wants). No length: 30 minutes.
 * - A weekday ("friday", "next friday") is the first one after today.
 * - A time without a date is today, or tomorrow once today's has passed.
 * - A one-digit hour without am/pm ("at 3", "2:30") from 1 to 6 is afternoon; "09:00" is not guessed at.
 *   "tonight" is today in the evening: 19:00 unless a time is given ("tonight at 8" is 20:00).
 * - Times are wall-clock times in the zone; one skipped by a DST change moves forward by the gap.
 * - Refused: dates in the past, more than two years ahead, timed events over 24 hours.
 */
import {
  addDays,
  dateIn,
  daysBetween,
  formatDate,
  instantFor,
  isValidTimeZone,
  type CalendarDate,
} from '../../core/zonedTime.ts';
import { readDate, readFromNow, readLength, readTime, type Piece, type Read, type TimeOfDay } from './whenWords.ts';

export type When =
  | { kind: 'timed'; start: Date; end: Date }
  | { kind: 'allDay'; date: string; endDate: string };

/** `unreadable`: a word was not part of a date or time at all (so the text may be a title, not a bad date). */
export type WhenResult = { ok: true; when: When } | { ok: false; problem: string; unreadable?: true };

export interface WhenContext {
  now: Date;
  /** IANA name, e.g. Europe/Berlin (Slack's users.info `tz`). */
  timeZone: string;
}

export const DEFAULT_LENGTH_MINUTES = 30;
export const MAX_TIMED_MINUTES = 24 * 60;
export const MAX_ALL_DAY_DAYS = 31;
const MINUTE = 60_000;
// A minute of grace so "today at 3pm" typed at 15:00:20 is not "in the past".
const PAST_GRACE_MS = MINUTE;
const FILLERS = new Set(['at', '@', 'on', 'for', 'from', 'starting', 'the', 'of', 'and', 'around', 'about']);
const EXAMPLE = 'e.g. “tomorrow at 3pm”, “friday 10am for an hour” or “dec 3”';

/** Lower case, one word per token; "3 pm" → "3pm", "3-4pm" → "3 - 4pm", ISO date-times split. */
export function tokenize(text: string): string[] {
  const normalized = text
    .toLowerCase()
    .replace(/’/g, "'")
    .replace(/\b([ap])\.m\.?(?=\s|$|,)/g, '$1m')
    .replace(/(\d)\s+(am|pm)\b/g, '$1$2')
    .replace(/[–—]/g, '-');
  return normalized
    .split(/[\s,;]+/)
    .map((word) => word.replace(/^[("']+|(?<![)"'!?.])[)"'!?.]+$/g, ''))
    .flatMap((word) => {
      const isoTime = /^(\d{4}-\d{2}-\d{2})t(\d{2}:\d{2})(?::00)?$/.exec(word);
      if (isoTime) return [isoTime[1]!, isoTime[2]!];
      const range = /^(\d{1,2}(?:[:.]\d{2})?(?:am|pm)?)-(\d{1,2}(?:[:.]\d{2})?(?:am|pm)?)$/.exec(word);
      return range ? [range[1]!, '-', range[2]!] : [word];
    })
    .filter(Boolean);
}

export function parseWhen(text: string, context: WhenContext): WhenResult {
  const { now, timeZone } = context;
  if (!isValidTimeZone(timeZone)) return { ok: false, problem: `I don't know the time zone “${timeZone}”.` };
  const today = dateIn(now, timeZone);
  const words = tokenize(text);
  if (words.length === 0) return { ok: false, problem: `Tell me when, ${EXAMPLE}.` };

  const pieces = new Map<string, Piece>();
  const slots: Record<Piece['type'], string> = { date: 'date', time: 'time', fromNow: 'time', length: 'length', days: 'length', allDay: 'allDay' };
  for (let i = 0; i < words.length; ) {
    const read: Read = readDate(words, i, today) ?? readFromNow(words, i) ?? readTime(words, i) ?? readLength(words, i);
    if (read && 'problem' in read) return { ok: false, problem: read.problem };
    if (!read) {
      if (!FILLERS.has(words[i]!)) {
        return { ok: false, problem: `I couldn't read “${words[i]}” as part of a date or time (${EXAMPLE}).`, unreadable: true };
      }
      i++;
      continue;
    }
    const slot = slots[read.piece.type];
    if (pieces.has(slot)) return { ok: false, problem: `That gives more than one ${slot === 'allDay' ? '“all day”' : slot}: say it once.` };
    pieces.set(slot, read.piece);
    i = read.next;
  }
  return assemble(pieces, today, context);
}

function assemble(pieces: Map<string, Piece>, today: CalendarDate, context: WhenContext): WhenResult {
  const date = pieces.get('date') as Extract<Piece, { type: 'date' }> | undefined;
  const time = pieces.get('time') as Extract<Piece, { type: 'time' | 'fromNow' }> | undefined;
  const length = pieces.get('length') as Extract<Piece, { type: 'length' | 'days' }> | undefined;
  if (!date && !time) return { ok: false, problem: `Tell me which day or time, ${EXAMPLE}.` };

  if (!time && !date?.evening) {
    if (length?.type === 'length') return { ok: false, problem: `At what time? e.g. “tomorrow at 3pm for an hour”.` };
    const days = length?.type === 'days' ? length.days : 1;
    if (days < 1 || days > MAX_ALL_DAY_DAYS) return { ok: false, problem: `An all-day event can last 1 to ${MAX_ALL_DAY_DAYS} days.` };
    return checkRange({ kind: 'allDay', date: formatDate(date!.date), endDate: formatDate(addDays(date!.date, days)) }, today, context);
  }
  if (pieces.has('allDay')) return { ok: false, problem: 'An event is either all day or at a time: leave out one of them.' };
  if (length?.type === 'days') return { ok: false, problem: 'For whole days, leave out the time: e.g. “dec 3 for 2 days”.' };

  let start: Date;
  let end: Date | undefined;
  if (time?.type === 'fromNow') {
    if (date) return { ok: false, problem: 'Say either “in 2 hours” or a date and time, not both.' };
    start = new Date(Math.ceil((context.now.getTime() + time.minutes * MINUTE) / MINUTE) * MINUTE);
  } else {
    const evening = date?.evening === true;
    const from = inHalfOfDay(time?.start ?? { hour: 19, minute: 0, exact: true }, evening, time?.end);
    let day = date?.date ?? today;
    start = at(day, from, context.timeZone);
    // A time alone means its next occurrence: tomorrow once today's has passed.
    if (!date && start.getTime() < context.now.getTime() - PAST_GRACE_MS) {
      day = addDays(today, 1);
      start = at(day, from, context.timeZone);
    }
    if (time?.end) {
      if (length) return { ok: false, problem: 'That gives both an end time and a length: say one of them.' };
      end = endOfRange(day, from, time.end, context.timeZone);
    }
  }
  const minutes = length?.type === 'length' ? length.minutes : DEFAULT_LENGTH_MINUTES;
  end ??= new Date(start.getTime() + minutes * MINUTE);
  const span = (end.getTime() - start.getTime()) / MINUTE;
  if (span < 1 || span > MAX_TIMED_MINUTES) return { ok: false, problem: `An event at a time can last from 1 minute to 24 hours.` };
  return checkRange({ kind: 'timed', start, end }, today, context);
}

/** Guesses the half of the day for "at 3" (afternoon), "tonight at 8" and "8-9pm" (evening). */
function inHalfOfDay(time: TimeOfDay, evening: boolean, end?: TimeOfDay): TimeOfDay {
  if (time.exact || time.hour >= 12 || time.hour === 0) return time;
  const endsLater = end !== undefined && end.hour >= 12 && (time.hour + 12) * 60 + time.minute < end.hour * 60 + end.minute;
  if (evening || endsLater || time.hour <= 6) return { ...time, hour: time.hour + 12 };
  return time;
}

function at(day: CalendarDate, time: TimeOfDay, timeZone: string): Date {
  return instantFor({ ...day, hour: time.hour, minute: time.minute }, timeZone);
}

/** "3pm-4", "11pm-1am": the end takes the start's half of the day where that fits, else the next day. */
function endOfRange(day: CalendarDate, start: TimeOfDay, rawEnd: TimeOfDay, timeZone: string): Date {
  const startMinutes = start.hour * 60 + start.minute;
  let end = rawEnd;
  if (!end.exact && end.hour < 12 && (end.hour + 12) * 60 + end.minute > startMinutes && end.hour * 60 + end.minute <= startMinutes) {
    end = { ...end, hour: end.hour + 12 };
  }
  const endDay = end.hour * 60 + end.minute <= startMinutes ? addDays(day, 1) : day;
  return at(endDay, end, timeZone);
}

function checkRange(when: When, today: CalendarDate, context: WhenContext): WhenResult {
  const first = when.kind === 'allDay' ? when.date : formatDate(dateIn(when.start, context.timeZone));
  const [year = 0, month = 1, day = 1] = first.split('-').map(Number);
  const ahead = daysBetween(today, { year, month, day });
  const limit = daysBetween(today, { year: today.year + 2, month: today.month, day: Math.min(today.day, 28) });
  const past = when.kind === 'allDay' ? ahead < 0 : when.start.getTime() < context.now.getTime() - PAST_GRACE_MS;
  if (past) return { ok: false, problem: 'That is in the past: I can only create events from now on.' };
  if (ahead > limit) return { ok: false, problem: 'That is more than two years ahead: please pick an earlier date.' };
  return { ok: true, when };
}
