/**
 * Follow-ups in an agent conversation, read against the emails it just showed (deterministic, no
 * language model): "mark the second one as read", "mark them all as read", "show me more",
 * "open the one from Alice", "what did Bob want?". An email is picked by position ("the second",
 * "#2", "number 2", "the last one") or by sender ("from Alice", "Alice's"). Anything else is no
 * follow-up (undefined), and is read as a new request.
 */
import type { EmailSummary } from '../../connectors/gmail/types.ts';
import { decodeSlackText, oneLine } from '../text/mrkdwn.ts';

export type EmailPick =
  | { by: 'position'; index: number }
  | { by: 'last' }
  | { by: 'sender'; name: string }
  | { by: 'all' };

export type FollowUp =
  | { kind: 'more' }
  | { kind: 'mark_read'; pick: EmailPick }
  | { kind: 'open'; pick: EmailPick }
  /** "reply to Alice: Thursday works for me": `text` as written (case and lines kept). */
  | { kind: 'reply'; pick: EmailPick; text: string };

// "reply to alice: …", "reply to the second one saying …", "answer bob with …".
const REPLY = /^\s*(?:(?:please|pls|ok|okay|now|and)\s+)*(?:reply|respond|answer|write\s+back)(?:\s+to)?\s+(.+?)\s*(?::|,?\s+saying\s+|,?\s+with\s+|,?\s+that\s+)\s*([\s\S]+)$/i;

const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  '1st': 1, '2nd': 2, '3rd': 3, '4th': 4, '5th': 5, '6th': 6, '7th': 7, '8th': 8, '9th': 9, '10th': 10,
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};
const MORE = /^(?:(?:ok|okay|and|please|pls|now)\s+)*(?:(?:show|give|list|get|see|tell)(?:\s+me)?\s+)?(?:some\s+|a\s+few\s+)?(?:more|the\s+next\s+(?:ones?|page|emails?|few)|next\s+(?:ones?|page|emails?))(?:\s+(?:emails?|mails?|messages?|ones?|of\s+them))?(?:\s+please)?$/;
const MARK_READ = /\bmark\b(.*)\b(?:as\s+)?read\b/;
const OPEN = /^(?:(?:ok|okay|and|please|pls|now|can\s+you|could\s+you)\s+)*(?:open|show(?:\s+me)?|read(?:\s+me)?|view|display)\s+(.+)$/;
const ASKED_ABOUT = /^what\s+(?:did|does|do)\s+(.+?)\s+(?:want|say|write|send|need|ask)\b/;
// "show me my unread emails" asks again rather than picks one of those shown.
const NEW_REQUEST = /\b(?:unread|new|inbox|e-?mails|mails|messages)\b/;
// Where a sender's name ends: "the one from bob as read", "from alice please".
const AFTER_NAME = /^(?:as|read|please|pls|and|about|in|to|on|for|now|again)$/;
const NOT_A_NAME = /^(?:the|a|an|one|email|mail|message|it|that|this|them|me|my|you)$/;

export function parseFollowUp(text: string): FollowUp | undefined {
  const reply = REPLY.exec(decodeSlackText(text.replace(/<@[UW][A-Z0-9]+(\|[^<>]*)?>/g, ' ')));
  if (reply) {
    const who = (reply[1] ?? '').toLowerCase();
    const pick = pickIn(who, false) ?? nameAlone(who);
    const words = (reply[2] ?? '').trim();
    return pick && words ? { kind: 'reply', pick, text: words } : undefined;
  }
  const cleaned = oneLine(decodeSlackText(text.replace(/<@[UW][A-Z0-9]+(\|[^<>]*)?>/g, ' ')))
    .toLowerCase()
    .replace(/’/g, "'")
    .replace(/[?!.,;]+$/, '')
    .trim();
  if (MORE.test(cleaned)) return { kind: 'more' };
  const mark = MARK_READ.exec(cleaned);
  if (mark) {
    const pick = pickIn(mark[1] ?? '', true);
    return pick ? { kind: 'mark_read', pick } : undefined;
  }
  const asked = ASKED_ABOUT.exec(cleaned);
  if (asked) {
    const name = senderName(asked[1] ?? '');
    return name ? { kind: 'open', pick: { by: 'sender', name } } : undefined;
  }
  const open = NEW_REQUEST.test(cleaned) ? null : OPEN.exec(cleaned);
  if (open) {
    const pick = pickIn(open[1] ?? '', false);
    return pick ? { kind: 'open', pick } : undefined;
  }
  return undefined;
}

/** "the second one", "#2", "the last one", "the one from alice", "alice's", "them all". */
function pickIn(words: string, allowAll: boolean): EmailPick | undefined {
  const text = ` ${words.trim()} `;
  if (allowAll && /\b(?:all|them|everything|every\s+one|these|those)\b/.test(text) && !/\bfrom\b/.test(text)) return { by: 'all' };
  const from = /\bfrom\s+(.+)$/.exec(text);
  if (from) {
    const words = (from[1] ?? '').trim().split(/\s+/);
    const end = words.findIndex((w) => AFTER_NAME.test(w));
    const name = senderName(words.slice(0, end < 0 ? 2 : Math.min(end, 2)).join(' '));
    if (name) return { by: 'sender', name };
  }
  if (/\b(?:last|latest\s+one|bottom)\b/.test(text)) return { by: 'last' };
  const numbered = /(?:#|\bnumber\s+|\bno\.\s*)(\d{1,2})\b/.exec(text) ?? /^\s*(?:the\s+)?(\d{1,2})\s*$/.exec(words);
  if (numbered) return { by: 'position', index: Number(numbered[1]) };
  for (const word of text.split(/\s+/)) {
    const position = ORDINALS[word];
    // "one" alone is no position ("the one from…" was handled above); "the second one" is.
    if (position !== undefined && word !== 'one') return { by: 'position', index: position };
  }
  const possessive = /\b([a-z][\w.-]*)'s\b/.exec(text);
  if (possessive && !NOT_A_NAME.test(possessive[1] ?? '')) return { by: 'sender', name: possessive[1]! };
  return undefined;
}

/** "alice", "bob smith": a sender named with nothing around it. */
function nameAlone(words: string): EmailPick | undefined {
  const name = senderName(words);
  return name ? { by: 'sender', name } : undefined;
}

function senderName(words: string): string | undefined {
  const name = words.trim().split(/\s+/).filter((w) => !NOT_A_NAME.test(w)).join(' ').replace(/'s$/, '');
  return name && /^[\p{L}\p{N}@._' -]{1,80}$/u.test(name) ? name : undefined;
}

/** The shown emails a pick names (newest first, as shown); none when it names nothing shown. */
export function pickEmails<T extends Pick<EmailSummary, 'from'>>(pick: EmailPick, shown: readonly T[]): T[] {
  switch (pick.by) {
    case 'all':
      return [...shown];
    case 'last':
      return shown.length > 0 ? [shown.at(-1)!] : [];
    case 'position': {
      const email = shown[pick.index - 1];
      return email ? [email] : [];
    }
    case 'sender': {
      const name = pick.name.toLowerCase();
      return shown.filter((email) => email.from.toLowerCase().includes(name));
    }
  }
}
