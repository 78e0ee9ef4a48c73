/**
 * The words of a "when" phrase, read one piece at a time: a date ("tomorrow", "friday", "dec 3",
 * "2026-12-03"), a time or a time range ("3pm", "14:30", "noon", "3-4pm"), a length ("for an hour",
 * "45 min", "for 2 days"), "all day", or "in 2 hours". Each reader looks at the words from position
 * `i` and says what it read and where it stopped, or nothing. whenParser.ts puts the pieces together.
 */
import { addDays, isRealDate, weekdayOf, type CalendarDate } from '../../core/zonedTime.ts';

export interface TimeOfDay {
  hour: number;
  minute: number;
  /** Said with am/pm, as noon, or with a leading zero ("09:00"): no guessing about the half of the day. */
  exact: boolean;
}

export type Piece =
  | { type: 'date'; date: CalendarDate; evening?: boolean }
  | { type: 'time'; start: TimeOfDay; end?: TimeOfDay }
  | { type: 'length'; minutes: number }
  | { type: 'days'; days: number }
  | { type: 'allDay' }
  | { type: 'fromNow'; minutes: number };

export type Read = { piece: Piece; next: number } | { problem: string } | undefined;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, 'forty-five': 45, ninety: 90,
};
/** Words after which a bare number is a time: "at 9", "from 2 to 4". */
export const TIME_MARKERS = new Set(['at', '@', 'from', 'to', 'until', 'till', 'til', '-', 'around', 'about']);
const RANGE_JOINERS = new Set(['-', 'to', 'until', 'till', 'til']);

function monthOf(word: string): number | undefined {
  const index = MONTHS.indexOf(word.slice(0, 3));
  if (index < 0) return undefined;
  const full = MONTH_NAMES[index]!.toLowerCase();
  // "mar", "march", "sept": a prefix of the month's name, at least three letters.
  return full.startsWith(word) || word === 'sept' ? index + 1 : undefined;
}

function weekdayIndex(word: string): number | undefined {
  const index = WEEKDAYS.indexOf(word.slice(0, 3));
  if (index < 0) return undefined;
  const names = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  return names[index]!.startsWith(word) || ['tues', 'weds', 'thur', 'thurs'].includes(word) ? index : undefined;
}

function dayNumber(word: string | undefined): number | undefined {
  const match = /^(\d{1,2})(st|nd|rd|th)?$/.exec(word ?? '');
  return match ? Number(match[1]) : undefined;
}

function numberOf(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(word)) return Number(word);
  return NUMBER_WORDS[word];
}

/** A month and day (and maybe a year) as a real date; without a year, the next one from today on. */
function monthDay(month: number, day: number, year: number | undefined, today: CalendarDate): CalendarDate | { problem: string } {
  const name = `${MONTH_NAMES[month - 1]} ${day}`;
  if (year !== undefined) {
    const date = { year, month, day };
    return isRealDate(date) ? date : { problem: `${name}, ${year} is not a date.` };
  }
  for (const candidate of [today.year, today.year + 1]) {
    const date = { year: candidate, month, day };
    if (!isRealDate(date)) continue;
    if (Date.UTC(candidate, month - 1, day) >= Date.UTC(today.year, today.month - 1, today.day)) return date;
  }
  return { problem: `${name} is not a date.` };
}

function yearAt(words: string[], i: number): number | undefined {
  const match = /^(20\d\d)$/.exec(words[i] ?? '');
  return match ? Number(match[1]) : undefined;
}

export function readDate(words: string[], i: number, today: CalendarDate): Read {
  const word = words[i] ?? '';
  const at = (date: CalendarDate, next: number, evening = false): Read => ({ piece: { type: 'date', date, ...(evening ? { evening } : {}) }, next });
  if (word === 'today') return at(today, i + 1);
  if (word === 'tonight') return at(today, i + 1, true);
  if (['tomorrow', 'tmrw', 'tmr', 'tomorow'].includes(word)) return at(addDays(today, 1), i + 1);
  if (word === 'day' && words[i + 1] === 'after' && words[i + 2] === 'tomorrow') return at(addDays(today, 2), i + 3);

  // "friday", "this friday", "next friday": the first one after today (today is "today").
  const qualified = ['this', 'next', 'coming'].includes(word);
  const weekday = weekdayIndex(qualified ? (words[i + 1] ?? '') : word);
  if (weekday !== undefined) {
    const ahead = ((weekday - weekdayOf(today) + 6) % 7) + 1;
    return at(addDays(today, ahead), i + (qualified ? 2 : 1));
  }

  // "in 3 days", "in a week" (minutes and hours are readFromNow's).
  if (word === 'in') {
    const count = numberOf(words[i + 1]);
    const unit = words[i + 2] ?? '';
    if (count !== undefined && Number.isInteger(count) && /^(days?|weeks?)$/.test(unit)) {
      return at(addDays(today, unit.startsWith('week') ? count * 7 : count), i + 3);
    }
    return undefined;
  }

  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word);
  if (iso) {
    const date = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
    return isRealDate(date) ? at(date, i + 1) : { problem: `${word} is not a date.` };
  }
  if (/^\d{1,4}[/.]\d{1,2}([/.]\d{2,4})?$/.test(word) && word.includes('/')) {
    return { problem: `“${word}” could be read two ways: write the month as a word (dec 3) or use 2026-12-03.` };
  }

  // "dec 3", "december 3rd 2026", or "3 dec", "3rd of december".
  const month = monthOf(word);
  const day = dayNumber(words[i + 1]);
  if (month !== undefined && day !== undefined) {
    const year = yearAt(words, i + 2);
    const date = monthDay(month, day, year, today);
    return 'year' in date ? at(date, i + (year === undefined ? 2 : 3)) : date;
  }
  const leading = dayNumber(word);
  const ofSkip = words[i + 1] === 'of' ? 1 : 0;
  const laterMonth = leading === undefined ? undefined : monthOf(words[i + 1 + ofSkip] ?? '');
  if (leading !== undefined && laterMonth !== undefined) {
    const year = yearAt(words, i + 2 + ofSkip);
    const date = monthDay(laterMonth, leading, year, today);
    return 'year' in date ? at(date, i + 2 + ofSkip + (year === undefined ? 0 : 1)) : date;
  }
  return undefined;
}

/** One time of day at `i`; a bare number ("9") only after "at", "from", "to" and the like. */
function timeAt(words: string[], i: number): { time: TimeOfDay; next: number } | { problem: string } | undefined {
  const word = words[i] ?? '';
  if (word === 'noon' || word === 'midday') return { time: { hour: 12, minute: 0, exact: true }, next: i + 1 };
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(word);
  if (!match) return undefined;
  const [, hourText = '', minuteText, meridiem] = match;
  if (word.includes('.') && !meridiem) return undefined; // 14.30 could be a date in some places
  // A bare number is a time after "at" and the like, or as the start of a range ("3-4pm").
  const startsRange = RANGE_JOINERS.has(words[i + 1] ?? '') && /^\d{1,2}([:.]\d{2})?(am|pm)?$/.test(words[i + 2] ?? '');
  if (!meridiem && minuteText === undefined && !TIME_MARKERS.has(words[i - 1] ?? '') && !startsRange) return undefined;
  let hour = Number(hourText);
  const minute = Number(minuteText ?? 0);
  const next = words[i + 1] === "o'clock" || words[i + 1] === 'oclock' ? i + 2 : i + 1;
  if (meridiem) {
    if (hour < 1 || hour > 12 || minute > 59) return { problem: `“${word}” is not a time.` };
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
    return { time: { hour, minute, exact: true }, next };
  }
  if (hour > 23 || minute > 59) return { problem: `“${word}” is not a time.` };
  return { time: { hour, minute, exact: hourText.length === 2 || hour === 0 || hour > 12 }, next };
}

/** "3pm", "at 14:30", "noon", "3-4pm", "from 2 to 3:30pm". */
export function readTime(words: string[], i: number): Read {
  const start = timeAt(words, i);
  if (!start || 'problem' in start) return start;
  const joiner = words[start.next] ?? '';
  if (!RANGE_JOINERS.has(joiner)) return { piece: { type: 'time', start: start.time }, next: start.next };
  const end = timeAt(words, start.next + 1);
  if (!end || 'problem' in end) return end ?? { problem: `I couldn't read the end time after “${joiner}”.` };
  return { piece: { type: 'time', start: start.time, end: end.time }, next: end.next };
}

const UNIT_MINUTES: Array<[RegExp, number]> = [
  [/^(m|mins?|minutes?)$/, 1],
  [/^(h|hrs?|hours?)$/, 60],
];

function unitMinutes(word: string | undefined): number | undefined {
  return UNIT_MINUTES.find(([pattern]) => pattern.test(word ?? ''))?.[1];
}

/** "for an hour", "45 min", "1h30", "an hour and a half", "for 2 days", "all day". */
export function readLength(words: string[], i: number): Read {
  const word = words[i] ?? '';
  if (word === 'all-day' || (word === 'all' && words[i + 1] === 'day')) return { piece: { type: 'allDay' }, next: i + (word === 'all' ? 2 : 1) };
  if (word === 'half' && ['an', 'a'].includes(words[i + 1] ?? '') && words[i + 2] === 'hour') return length(30, i + 3);
  const compact = /^(\d+(?:\.\d+)?)(h|hrs?|m|mins?)(?:(\d{1,2})m?)?$/.exec(word);
  if (compact) {
    const [, amount = '0', unit = 'm', extra] = compact;
    return length(Number(amount) * (unit.startsWith('h') ? 60 : 1) + Number(extra ?? 0), i + 1);
  }
  const count = numberOf(word);
  const unit = words[i + 1];
  if (count === undefined) return undefined;
  if (/^days?$/.test(unit ?? '')) return Number.isInteger(count) ? { piece: { type: 'days', days: count }, next: i + 2 } : undefined;
  const perUnit = unitMinutes(unit);
  if (perUnit === undefined) return undefined;
  let minutes = count * perUnit;
  let next = i + 2;
  // "an hour and a half", "2 hours and 15 minutes", "1 hour 30 minutes"
  const andSkip = words[next] === 'and' ? 1 : 0;
  if (words[next + andSkip] === 'a' && words[next + andSkip + 1] === 'half' && perUnit === 60) {
    minutes += 30;
    next += andSkip + 2;
  } else {
    const more = numberOf(words[next + andSkip]);
    const moreUnit = unitMinutes(words[next + andSkip + 1]);
    if (more !== undefined && moreUnit === 1 && perUnit === 60) {
      minutes += more;
      next += andSkip + 2;
    }
  }
  return length(minutes, next);
}

function length(minutes: number, next: number): Read {
  return { piece: { type: 'length', minutes: Math.round(minutes) }, next };
}

/** "in 2 hours", "in 30 minutes": a start counted from now. */
export function readFromNow(words: string[], i: number): Read {
  if (words[i] !== 'in') return undefined;
  const count = numberOf(words[i + 1]);
  const perUnit = unitMinutes(words[i + 2]);
  if (count === undefined || perUnit === undefined) return undefined;
  return { piece: { type: 'fromNow', minutes: Math.round(count * perUnit) }, next: i + 3 };
}
