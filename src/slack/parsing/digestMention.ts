/**
 * A mention asking for mail on a schedule: "send me my unread mail every morning at 9", "DM me my 3
 * newest emails from:boss every weekday at 8:30". The schedule is read from its first recurrence
 * word on (as `/digest` reads it); the count and search from the words before it (as a mention
 * asking for unread mail is read). Undefined for anything else.
 */
import { parseScheduleWords } from '../../actions/digests/scheduleWords.ts';
import { parseMention } from './mentionIntent.ts';

export type DigestMention =
  | { kind: 'digest'; cron: string; count: number; search: string | undefined }
  | { kind: 'unclear'; about: 'digest'; problem: string };

const MAIL = /\b(unread|e-?mails?|mail|inbox|digest)\b/i;
const RECURRENCE = /\b(every|each|daily|weekdays?|weekends?|(?:mon|tues|wednes|thurs|fri|satur|sun)days)\b/i;

export function parseDigestMention(raw: string): DigestMention | undefined {
  const marker = RECURRENCE.exec(raw);
  if (!marker || !MAIL.test(raw.slice(0, marker.index))) return undefined;
  const schedule = parseScheduleWords(raw.slice(marker.index));
  if (!schedule.ok) return { kind: 'unclear', about: 'digest', problem: `To send you your mail on a schedule I need a time: ${schedule.problem}` };
  const asked = parseMention(raw.slice(0, marker.index));
  const { count, search } = asked.kind === 'unread' ? asked : { count: 5, search: undefined };
  return { kind: 'digest', cron: schedule.cron, count, search };
}
