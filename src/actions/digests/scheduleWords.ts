/**
 * The user's words for a digest schedule, turned into a cron pattern (and back into words):
 * "weekdays 9:00", "every day at 8am", "mondays 9", "mon, wed and fri at 17:30", "every morning at 9".
 * What follows the time is left for the caller (the count and search words of `/unread`).
 */

export type ScheduleWords =
  | { ok: true; cron: string; rest: string }
  | { ok: false; problem: string };

const DAY_NUMBERS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const DAY_NAMES = ['Sundays', 'Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays'];
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const WEEKDAYS = [1, 2, 3, 4, 5];
const WEEKEND = [0, 6];
/** Words that only make the sentence read well. */
const FILLER = new Set(['every', 'each', 'on', 'at', '@', 'and', '&', 'in', 'the']);
/** Parts of the day that mean "every day" and say which half of it a bare hour is in. */
const DAY_PARTS: Record<string, 'am' | 'pm'> = { morning: 'am', mornings: 'am', afternoon: 'pm', afternoons: 'pm', evening: 'pm', evenings: 'pm', night: 'pm', nights: 'pm' };

export const SCHEDULE_EXAMPLE = '`weekdays 9:00`, `every day at 8am`, `mondays 9`';

/** The days a word names (weekday names singular or plural, full or short), or undefined. */
function daysOf(word: string): number[] | undefined {
  if (['day', 'days', 'daily', 'everyday'].includes(word)) return ALL_DAYS;
  if (['weekday', 'weekdays', 'workday', 'workdays'].includes(word)) return WEEKDAYS;
  if (['weekend', 'weekends'].includes(word)) return WEEKEND;
  const range = /^([a-z]+)-([a-z]+)$/.exec(word);
  if (range) {
    const from = dayNumber(range[1] ?? '');
    const to = dayNumber(range[2] ?? '');
    if (from === undefined || to === undefined) return undefined;
    const days: number[] = [];
    for (let d = from; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === to) break;
    }
    return days;
  }
  const one = dayNumber(word);
  return one === undefined ? undefined : [one];
}

function dayNumber(word: string): number | undefined {
  const match = /^(sun|mon|tue|wed|thu|fri|sat)[a-z]*?\.?$/.exec(word);
  if (!match) return undefined;
  const full = { sun: 'sunday', mon: 'monday', tue: 'tuesday', wed: 'wednesday', thu: 'thursday', fri: 'friday', sat: 'saturday' }[match[1] as 'sun'];
  const bare = word.replace(/\.$/, '');
  // "mon", "mondays", "tues", "thurs": a prefix of the name, or the name with an s.
  if (!(full.startsWith(bare) || bare === `${full}s`)) return undefined;
  return DAY_NUMBERS[match[1] as string];
}

/** `9`, `9:30`, `09.30`, `9am`, `9:30pm`, `noon`, `midnight`, with am/pm as the next word too. */
function timeOf(word: string, next: string | undefined, half: 'am' | 'pm' | undefined): { hour: number; minute: number; used: number } | { problem: string } | undefined {
  if (word === 'noon' || word === 'midday') return { hour: 12, minute: 0, used: 1 };
  if (word === 'midnight') return { hour: 0, minute: 0, used: 1 };
  const match = /^(\d{1,2})(?:[:.h](\d{2}))?(am|pm|a\.m\.|p\.m\.)?$/.exec(word);
  if (!match) return undefined;
  let used = 1;
  let suffix = match[3]?.[0];
  if (!suffix && next && /^(am|pm|a\.m\.|p\.m\.)$/.test(next)) {
    suffix = next[0];
    used = 2;
  }
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  if (minute > 59) return { problem: `“${word}” is not a time of day.` };
  if (suffix) {
    if (hour < 1 || hour > 12) return { problem: `“${word}” is not a time of day.` };
    hour = (hour % 12) + (suffix === 'p' ? 12 : 0);
  } else if (half === 'pm' && hour >= 1 && hour < 12) {
    hour += 12;
  } else if (hour > 23) {
    return { problem: `“${word}” is not a time of day: give hours from 0 to 23, or say am or pm.` };
  }
  return { hour, minute, used };
}

/** Reads the schedule at the start of `text`; the words after the time are returned as `rest`. */
export function parseScheduleWords(text: string): ScheduleWords {
  const tokens = [...text.matchAll(/,|[^\s,]+/g)];
  const words = tokens.map((t) => t[0].toLowerCase());
  const days = new Set<number>();
  let half: 'am' | 'pm' | undefined;
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i] as string;
    if (word === ',' || FILLER.has(word)) continue;
    const named = daysOf(word);
    if (named) {
      named.forEach((d) => days.add(d));
      continue;
    }
    if (DAY_PARTS[word]) {
      half = DAY_PARTS[word];
      ALL_DAYS.forEach((d) => days.add(d));
      continue;
    }
    break;
  }
  const time = i < words.length ? timeOf(words[i] as string, words[i + 1], half) : undefined;
  if (time && 'problem' in time) return { ok: false, problem: time.problem };
  if (!time) {
    const said = i < words.length ? `I could not read “${words[i]}” as a time. ` : 'Say at what time. ';
    return { ok: false, problem: `${said}For example ${SCHEDULE_EXAMPLE}.` };
  }
  const chosen = days.size > 0 ? [...days].sort((a, b) => a - b) : ALL_DAYS;
  // The rest keeps the user's own case and spacing: it holds their Gmail search.
  const last = tokens[i + time.used - 1];
  const rest = last ? text.slice((last.index ?? 0) + last[0].length).replace(/^[\s,]*/, '').trim() : '';
  return { ok: true, cron: `${time.minute} ${time.hour} * * ${dayField(chosen)}`, rest };
}

function dayField(days: number[]): string {
  if (days.length === 7) return '*';
  if (days.join(',') === WEEKDAYS.join(',')) return '1-5';
  return days.join(',');
}

/** "every weekday at 9:00", "Mondays and Fridays at 17:30": the cron pattern this module writes, in words. */
export function describeSchedule(cron: string): string {
  const [minute = '0', hour = '0', , , dayList = '*'] = cron.split(' ');
  const time = `${Number(hour)}:${minute.padStart(2, '0')}`;
  if (dayList === '*') return `every day at ${time}`;
  if (dayList === '1-5') return `every weekday at ${time}`;
  const days = dayList.split(',').map(Number);
  if (days.join(',') === WEEKEND.join(',')) return `weekends at ${time}`;
  const names = days.map((d) => DAY_NAMES[d] ?? String(d));
  const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return `${listed} at ${time}`;
}
