/**
 * Reads the text after `/unread`: an optional leading count (1 to 25, default 5), and the rest as
 * a Gmail search. `/unread 3 from:alice` → 3, "from:alice"; `/unread from:bob` → 5, "from:bob".
 */
import { DEFAULT_UNREAD, MAX_UNREAD } from '../../actions/showUnreadEmail.ts';
import { decodeSlackText, oneLine, truncate } from '../text/mrkdwn.ts';

export const MAX_SEARCH_CHARS = 500;
const RANGE = `give a whole number of emails from 1 to ${MAX_UNREAD}`;

export type UnreadArgs = { ok: true; count: number; search: string | undefined } | { ok: false; problem: string };

export function parseUnreadArgs(text: string): UnreadArgs {
  // Slack sends `&`, `<`, `>` as entities (and, with "escape channels, users and links" on, links
  // as <url|label>): decode them so the search is what the user typed. Then one clean line.
  const words = oneLine(decodeSlackText(text));
  if (!words) return { ok: true, count: DEFAULT_UNREAD, search: undefined };

  const [first = '', ...rest] = words.split(' ');
  let count = DEFAULT_UNREAD;
  let search = words;
  // Anything that starts like a number is meant as the count, so "10x" or "2.5" is refused rather
  // than silently searched for; "-from:bob" (a negated search) does not start like a number.
  if (/^[+-]?[\d.,]/.test(first) && /\d/.test(first)) {
    const quoted = `“${truncate(first, 20)}”`;
    if (!/^\d+$/.test(first)) return { ok: false, problem: `${quoted} is not a count I can use: ${RANGE}.` };
    count = Number(first);
    if (count < 1 || count > MAX_UNREAD) return { ok: false, problem: `${quoted} is out of range: ${RANGE}.` };
    search = rest.join(' ');
  }
  if (search.length > MAX_SEARCH_CHARS) {
    return { ok: false, problem: `That search is too long: ${MAX_SEARCH_CHARS} characters at most.` };
  }
  return { ok: true, count, search: search || undefined };
}
