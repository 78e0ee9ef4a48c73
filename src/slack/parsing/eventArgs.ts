/**
 * Reads the text after `/event`, and the event part of a mention. The grammar:
 *   /event <when> called <title>     /event tomorrow 3pm for an hour called Design review
 *   /event <when>: <title>           /event friday 14:30: Design review
 *   /event <title> <when>            /event Design review friday at 2pm
 *   /event <when> <title>            /event tomorrow 10am Team sync
 * With "called" (or "titled", "named") or ": " the split is exact. Without, the longest run of
 * words at the end (else at the start) that reads as a date and time is the when, the rest the title.
 */
import { TITLE_MAX } from '../../actions/createCalendarEvent.ts';
import { parseWhen, type When, type WhenContext, type WhenResult } from '../../actions/calendar/whenParser.ts';
import { decodeSlackText, oneLine } from '../text/mrkdwn.ts';

export const EVENT_USAGE = '/event <when> called <title>, or /event <title> <when>';
export const EVENT_EXAMPLES = ['/event tomorrow 3pm for an hour called Design review', '/event Lunch with Sam friday at noon', '/event dec 3: Offsite'];

export type EventArgs = { ok: true; title: string; when: When; whenText: string } | { ok: false; problem: string };

// No when phrase needs more words ("the day after tomorrow from 10 to 11:30am"); it bounds the search.
const MAX_WHEN_WORDS = 12;
// " called X", " titled X", " named X", or a colon followed by a space (14:30 has none).
const EXPLICIT = /(?:^|\s+)(?:called|titled|named)\s+|\s*:\s+/i;

export function parseEventArgs(text: string, context: WhenContext): EventArgs {
  const cleaned = oneLine(decodeSlackText(text));
  if (!cleaned) return { ok: false, problem: `Tell me what and when. Usage: ${EVENT_USAGE}, e.g. ${EVENT_EXAMPLES[0]}` };
  return splitEventText(cleaned, context);
}

/**
 * Splits cleaned text into a title and a when. `defaultTitle` is used when the text is only a when
 * ("a meeting tomorrow at 3": the mention parser passes "Meeting").
 */
export function splitEventText(text: string, context: WhenContext, defaultTitle?: string): EventArgs {
  const explicit = EXPLICIT.exec(text);
  if (explicit) {
    const whenText = text.slice(0, explicit.index).trim();
    const title = text.slice(explicit.index + explicit[0].length);
    if (!whenText) return { ok: false, problem: `When should “${cleanTitle(title)}” be? e.g. ${EVENT_EXAMPLES[0]}` };
    return finish(title, whenText, parseWhen(whenText, context));
  }

  const words = text.split(' ');
  const whole = parseWhen(text, context);
  if (whole.ok) {
    return defaultTitle ? finish(defaultTitle, text, whole) : { ok: false, problem: `What should the event be called? e.g. ${EVENT_EXAMPLES[0]}` };
  }
  let problem: string | undefined = whole.unreadable ? undefined : whole.problem;
  for (const split of candidateSplits(words)) {
    const whenText = split.when.join(' ');
    const result = parseWhen(whenText, context);
    if (result.ok) return finish(split.title.join(' '), whenText, result);
    if (!result.unreadable) problem ??= result.problem;
  }
  return { ok: false, problem: problem ?? `I couldn't find a date or time in that. Usage: ${EVENT_USAGE}, e.g. ${EVENT_EXAMPLES[1]}` };
}

/**
 * Longest when first: at the end ("Lunch on friday at noon"), then at the start ("friday noon Lunch").
 * Only whens of up to MAX_WHEN_WORDS words are made, one at a time: at most 2 × 12 tries whatever the
 * length of the text (building every split first was quadratic in words and ran out of memory).
 */
function* candidateSplits(words: string[]): Generator<{ title: string[]; when: string[] }> {
  const longest = Math.min(MAX_WHEN_WORDS, words.length - 1);
  for (let size = longest; size >= 1; size--) yield { title: words.slice(0, words.length - size), when: words.slice(words.length - size) };
  for (let size = longest; size >= 1; size--) yield { title: words.slice(size), when: words.slice(0, size) };
}

function finish(rawTitle: string, whenText: string, when: WhenResult): EventArgs {
  if (!when.ok) return when;
  const title = cleanTitle(rawTitle);
  if (!title) return { ok: false, problem: `What should the event be called? e.g. ${EVENT_EXAMPLES[0]}` };
  if (title.length > TITLE_MAX) return { ok: false, problem: `That title is too long: ${TITLE_MAX} characters at most.` };
  return { ok: true, title, when: when.when, whenText };
}

/** Quotes around the title and punctuation at its end are how people write, not part of the name. */
function cleanTitle(title: string): string {
  return title.trim().replace(/^["“”'‘]+|(?<!["“”'’])["“”'’]+$/g, '').replace(/(?<![.!?,;])[.!?,;]+$/, '').trim();
}
