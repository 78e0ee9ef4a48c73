/**
 * Reads the text after `/digest`: nothing (show the schedule), `off`, `pause`, `resume`, or a
 * schedule in words followed, as `/unread` takes them, by an optional count and Gmail search words:
 * `/digest weekdays 9:00 5 from:boss`.
 */
import type { DigestPlan } from '../../actions/digests/ports.ts';
import { parseScheduleWords } from '../../actions/digests/scheduleWords.ts';
import { decodeSlackText, oneLine } from '../text/mrkdwn.ts';
import { parseUnreadArgs } from './unreadArgs.ts';

export type DigestArgs =
  | { ok: true; kind: 'show' | 'off' | 'pause' | 'resume' }
  | { ok: true; kind: 'set'; plan: DigestPlan }
  | { ok: false; problem: string };

const COMMANDS: Record<string, 'show' | 'off' | 'pause' | 'resume'> = {
  off: 'off',
  stop: 'off',
  cancel: 'off',
  delete: 'off',
  none: 'off',
  never: 'off',
  pause: 'pause',
  resume: 'resume',
  unpause: 'resume',
  show: 'show',
  status: 'show',
};

export function parseDigestArgs(text: string): DigestArgs {
  // Slack's entities are decoded once, by parseUnreadArgs for the search words: the schedule words
  // before them hold none, and decoding twice would turn a searched `&lt;` into markup.
  const words = oneLine(text);
  if (!words) return { ok: true, kind: 'show' };
  const command = COMMANDS[decodeSlackText(words).toLowerCase()];
  if (command) return { ok: true, kind: command };
  const schedule = parseScheduleWords(words);
  if (!schedule.ok) return schedule;
  const unread = parseUnreadArgs(schedule.rest);
  if (!unread.ok) return unread;
  return { ok: true, kind: 'set', plan: { cron: schedule.cron, count: unread.count, ...(unread.search ? { search: unread.search } : {}) } };
}
