/**
 * Understands a mention of the bot, deterministically (no language model): either a request for
 * unread email, with a count and a Gmail search, or anything else, which gets the help text.
 *
 * Counts: digits or words ("one" to "twenty-five", "a dozen"). A count outside 1..25 is clamped
 * (to 25, or to 1): someone asking for "the last 100 unread" gets the most we show rather than
 * an error, the same as in conversation. `/unread` refuses such counts instead, since a command
 * argument is precise input that deserves a precise answer.
 */
import { DEFAULT_UNREAD, MAX_UNREAD } from '../../actions/showUnreadEmail.ts';
import { decodeSlackText, oneLine } from '../text/mrkdwn.ts';
import { MAX_SEARCH_CHARS } from './unreadArgs.ts';

export type MentionIntent = { kind: 'unread'; count: number; search: string | undefined } | { kind: 'help' };

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19, twenty: 20, dozen: 12, couple: 2,
  // Beyond what we show: understood so that they clamp to 25 rather than fall back to 5.
  thirty: 30, forty: 40, fifty: 50, hundred: 100,
};
const TENS = new Set(['twenty', 'thirty', 'forty', 'fifty']);
// Words that make a message about email on their own.
const MAIL_WORDS = /^(e-?mails?|mails?|gmail|inbox(es)?|mailbox)$/;
// How a short request for unread mail starts: "unread", "show …", "last 3 …", "any unread?".
const REQUEST_START = /^(unread|show|list|get|give|check|fetch|read|what|whats|what's|any|my|last|latest|newest|recent|top|how|do|did|have|\d+)$/;
// Gmail search operators (https://support.google.com/mail/answer/7190), kept as typed.
const OPERATOR = /^-?(from|to|cc|bcc|subject|label|has|is|in|after|before|older|newer|older_than|newer_than|category|filename|larger|smaller|size|list|deliveredto|rfc822msgid):\S/i;
// Words after "from" that do not name a sender: "from my inbox", "from today".
const NOT_A_SENDER = /^(my|the|me|your|our|a|an|this|that|today|yesterday|last|gmail|inbox|email|mail|work|home)$/i;

export function parseMention(text: string): MentionIntent {
  // Mentions of users (the bot among them) go first; then Slack's link markup and entities.
  const cleaned = oneLine(decodeSlackText(text.replace(/<@[UW][A-Z0-9]+(\|[^<>]*)?>/g, ' ')));
  const tokens = cleaned.split(' ').filter(Boolean);
  const words = tokens.map((token) => token.toLowerCase().replace(/’/g, "'").replace(/^[^\w:'-]+|(?<![^\w:'-])[^\w:'-]+$/g, ''));
  if (words[0] === 'help' || !isMailRequest(words)) return { kind: 'help' };

  const searchTerms: string[] = [];
  let count: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const word = words[i] ?? '';
    const token = tokens[i] ?? '';
    if (OPERATOR.test(token)) {
      searchTerms.push(token.replace(/(?<![?!.,;])[?!.,;]+$/, ''));
    } else if (word === 'from' && isSender(words[i + 1])) {
      searchTerms.push(`from:${(tokens[i + 1] ?? '').replace(/(?<![?!.,;])[?!.,;]+$/, '')}`);
      i++;
    } else if (count === undefined) {
      count = numberAt(words, i);
    }
  }
  // Whole terms only: a search cut mid-term would mean something else.
  let search = '';
  for (const term of searchTerms) {
    const longer = search ? `${search} ${term}` : term;
    if (longer.length > MAX_SEARCH_CHARS) break;
    search = longer;
  }
  if (count === undefined && asksForOne(words)) count = 1;
  return { kind: 'unread', count: clamp(count ?? DEFAULT_UNREAD), search: search || undefined };
}

function isMailRequest(words: string[]): boolean {
  if (words.some((w) => MAIL_WORDS.test(w))) return true;
  if (!words.includes('unread')) return false;
  // "unread" alone in a long sentence ("I left that book unread…") is probably not for us; a
  // short message, one that starts like a request, or one with a Gmail search, probably is.
  return words.length <= 5 || REQUEST_START.test(words[0] ?? '') || words.some((w) => OPERATOR.test(w));
}

function isSender(word: string | undefined): boolean {
  return word !== undefined && word !== '' && !NOT_A_SENDER.test(word) && !MAIL_WORDS.test(word);
}

/** Reads "5", "ten", "twenty-one", "twenty one" or "a dozen" at position i. */
function numberAt(words: string[], i: number): number | undefined {
  const word = words[i] ?? '';
  if (/^\d+$/.test(word)) return Number(word);
  const [first = '', second] = word.includes('-') ? word.split('-') : [word, words[i + 1]];
  const tens = NUMBER_WORDS[first];
  if (TENS.has(first) && tens !== undefined) {
    const ones = NUMBER_WORDS[second ?? ''];
    return tens + (ones !== undefined && ones < 10 ? ones : 0);
  }
  // "one" is too common to be a count on its own ("the one from alice"): only as "last one".
  if (word === 'one') return ['last', 'latest', 'newest', 'top'].includes(words[i - 1] ?? '') ? 1 : undefined;
  return NUMBER_WORDS[word];
}

/** "my last unread email" (singular, no number) asks for one; "check my email" does not. */
function asksForOne(words: string[]): boolean {
  const at = words.findIndex((w) => ['last', 'latest', 'newest'].includes(w));
  if (at < 0) return false;
  const noun = words.slice(at + 1).find((w) => /^(e-?mails?|mails?|messages?)$/.test(w));
  return noun !== undefined && !noun.endsWith('s');
}

function clamp(count: number): number {
  return Math.min(MAX_UNREAD, Math.max(1, Math.floor(count)));
}
