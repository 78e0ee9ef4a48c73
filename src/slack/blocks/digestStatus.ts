/**
 * What `/digest` answers: the schedule in words and the next delivery in the user's zone, or how to
 * set one up. The search words are the user's own: escaped, in verbatim text.
 */
import type { KnownBlock } from '@slack/types';
import type { DigestView } from '../../actions/digests/manageDigests.ts';
import { describeSchedule, SCHEDULE_EXAMPLE } from '../../actions/digests/scheduleWords.ts';
import { escapeMrkdwn, escapeTruncated, oneLine } from '../text/mrkdwn.ts';

const SEARCH_MAX = 200;
const PROBLEM_MAX = 500;

/** "Wed 2 Dec, 09:00 (Europe/Berlin)". */
export function formatSlot(at: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${text} (${timeZone})`;
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

/** The schedule in one line: "every weekday at 9:00, your 5 newest unread emails matching “from:boss”". */
export function scheduleLine(view: DigestView): string {
  const what = `your ${view.count} newest unread email${view.count === 1 ? '' : 's'}`;
  const search = view.search ? ` matching “${escapeTruncated(oneLine(view.search), SEARCH_MAX)}”` : '';
  return `${describeSchedule(view.cron)}: ${what}${search}`;
}

export function buildDigestStatus(view: DigestView | undefined, lead?: string): { text: string; blocks: KnownBlock[] } {
  if (!view) {
    const text = `${lead ? `${lead} ` : ''}You have no digest scheduled. Try \`/digest weekdays 9:00\` (also ${SCHEDULE_EXAMPLE}), with a count and Gmail search words after the time if you like.`;
    return { text, blocks: [section(text)] };
  }
  const when = view.paused
    ? 'It is *paused*: `/digest resume` starts it again.'
    : `Next delivery: *${escapeMrkdwn(view.next ? formatSlot(view.next, view.timeZone) : 'not planned')}*.`;
  const text = `${lead ? `${lead} ` : ''}Your digest: ${scheduleLine(view)}, in your Slack time zone. ${when}`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: 'Change it with `/digest <days> <time>`, or `/digest pause`, `/digest resume`, `/digest off`.', verbatim: true }],
      },
    ],
  };
}

export function buildDigestUsage(problem: string): { text: string; blocks: KnownBlock[] } {
  const text = `${escapeTruncated(oneLine(problem), PROBLEM_MAX)} Try \`/digest weekdays 9:00\`, \`/digest every day at 8am 10 from:boss\`, \`/digest pause\` or \`/digest off\`.`;
  return { text, blocks: [section(text)] };
}
