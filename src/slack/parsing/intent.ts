/**
 * Understands a mention of the bot, deterministically (no language model, no service): a team
 * alert, a calendar event, unread email (parseMention's job, called as is), or help. Checked in that
 * order, since an alert or an event may mention mail ("alert the team: mail server down").
 *   "send an alert to my team: deploy failed", "alert the team: deploy failed", "critical alert: db down"
 *   "create a calendar event for tomorrow at 3pm called Design review", "meeting tomorrow 10am for an hour called 1:1"
 *   "show me the last 5 unread emails", "any new mail from alice"
 * When it is clearly an alert or an event but cannot be used (no text, no readable date), the answer
 * is `unclear` with a problem to show, rather than help that ignores what was asked.
 */
import type { Severity } from '../../actions/alerts/alert.ts';
import { ALERT_TEXT_MAX, DEFAULT_SEVERITY } from '../../actions/alerts/alert.ts';
import type { When, WhenContext } from '../../actions/calendar/whenParser.ts';
import { decodeSlackText, oneLine } from '../text/mrkdwn.ts';
import { alertText, channelToken, isChannelMention, severityToken } from './alertArgs.ts';
import { splitEventText } from './eventArgs.ts';
import { parseMention } from './mentionIntent.ts';
import { parseDigestMention } from './digestMention.ts';

export type Intent =
  | { kind: 'unread'; count: number; search: string | undefined }
  | { kind: 'event'; title: string; when: When; whenText: string }
  /** `thisChannel`: "tell this channel …": the channel the user is in or viewing, whichever the surface knows. */
  | { kind: 'alert'; text: string; severity: Severity; channel?: string; mentionChannel: boolean; thisChannel?: true }
  | { kind: 'digest'; cron: string; count: number; search: string | undefined }
  | { kind: 'unclear'; about: 'event' | 'alert' | 'digest'; problem: string }
  | { kind: 'help' };

// The words an alert request is made of, before its message ("please send a critical alert to my team").
const ALERT_HEAD = new Set([
  'please', 'can', 'could', 'you', 'send', 'post', 'raise', 'fire', 'off', 'trigger', 'create', 'an', 'a', 'the', 'new',
  'my', 'our', 'to', 'for', 'in', 'team', 'channel', 'everyone', 'alert', 'alerts', 'tell', 'notify', 'warn', 'let', 'know',
]);
// Where an alert request's head can end when no colon marks it ("alert the team deploy failed").
const HEAD_END = new Set(['alert', 'alerts', 'team', 'everyone', 'know']);
const EVENT_START = /^(?:(?:please|pls|hey|ok|can you|could you|would you)\s+)*(create|add|make|schedule|set up|setup|book|put|plan|new)?\s*(?:(?:a|an|the|new|me|my)\s+)*(?:google\s+)?(calendar\s+)?(?:(event|meeting|appointment|call|reminder)\b)?\s*(?:(?:in|on|to|into)\s+(?:my\s+)?calendar\b)?\s*/i;
const STRONG_VERBS = new Set(['schedule', 'book']);

export function parseIntent(text: string, context: WhenContext): Intent {
  // Leading mentions (the bot's) go; others stay part of the message.
  const raw = text.replace(/^(\s*<@[UW][A-Z0-9]+(\|[^<>]*)?>[\s,:]*)+/, '').trim();
  return parseAlert(raw) ?? parseDigestMention(raw) ?? parseEvent(raw, context) ?? parseMention(text);
}

/** With a colon the head is what comes before it, unless that is no alert head ("alert the team x: y"). */
function parseAlert(raw: string): Intent | undefined {
  const colon = /:(?:\s|$)/.exec(raw);
  return (colon ? readAlert(raw, colon) : undefined) ?? readAlert(raw, null);
}

function readAlert(raw: string, colon: RegExpExecArray | null): Intent | undefined {
  const head = (colon ? raw.slice(0, colon.index) : raw).split(/\s+/).filter(Boolean);
  let severity: Severity | undefined;
  let channel: string | undefined;
  let mentionChannel = false;
  let thisChannel = false;
  let end = 0; // words of the head, so far
  let sawAlert = false;
  for (let i = 0; i < head.length; i++) {
    const token = head[i]!.replace(/(?<![,!])[,!]+$/, '');
    const word = token.toLowerCase();
    const asChannel = channelToken(token);
    // A severity word counts inside the head only ("critical alert"), never as the message's first word.
    if (severityToken(word) && (colon || ALERT_HEAD.has(head[i + 1]?.toLowerCase() ?? ''))) severity ??= severityToken(word);
    else if (asChannel !== undefined) channel ??= asChannel;
    else if (isChannelMention(token)) mentionChannel = true;
    else if (word === 'this' && /^channel$/i.test(head[i + 1]?.replace(/[,!]+$/, '') ?? '')) thisChannel = true;
    else if (!ALERT_HEAD.has(word)) break;
    if (word === 'alert' || word === 'alerts' || (['tell', 'notify', 'warn', 'let'].includes(word) && i === firstVerb(head))) sawAlert = true;
    if (colon || HEAD_END.has(word) || asChannel !== undefined || isChannelMention(token) || (thisChannel && word === 'channel')) end = i + 1;
  }
  if (!sawAlert || (colon && end < head.length)) return undefined;
  const headText = head.slice(0, end).join(' ').toLowerCase();
  if (!/\b(alerts?|team|everyone)\b/.test(headText) && channel === undefined && !thisChannel) return undefined; // "tell me a joke"
  const body = colon ? raw.slice(colon.index + colon[0].length) : raw.split(/\s+/).slice(end).join(' ');
  const bodyWords = body.trim().split(/\s+/);
  if (bodyWords[0] !== undefined && isChannelMention(bodyWords[0])) mentionChannel = true;
  const message = alertText(isChannelMention(bodyWords[0] ?? '') ? bodyWords.slice(1).join(' ') : body);
  if (!message) return { kind: 'unclear', about: 'alert', problem: 'What should the alert say? e.g. “alert the team: deploy failed”.' };
  if (message.length > ALERT_TEXT_MAX) return { kind: 'unclear', about: 'alert', problem: `That alert is too long: ${ALERT_TEXT_MAX} characters at most.` };
  return {
    kind: 'alert', text: message, severity: severity ?? DEFAULT_SEVERITY, ...(channel ? { channel } : {}), mentionChannel,
    ...(thisChannel && !channel ? { thisChannel: true as const } : {}),
  };
}

/** The index of the first word that is not politeness, where a verb such as "tell" must stand. */
function firstVerb(head: string[]): number {
  return head.findIndex((word) => !['please', 'can', 'could', 'you'].includes(word.toLowerCase()));
}

function parseEvent(raw: string, context: WhenContext): Intent | undefined {
  const cleaned = oneLine(decodeSlackText(raw));
  const start = EVENT_START.exec(cleaned);
  const verb = start?.[1]?.toLowerCase();
  const noun = start?.[3]?.toLowerCase();
  const calendar = start?.[2] !== undefined || /\bcalendar\b/i.test(start?.[0] ?? '');
  if (!start || (!verb && !noun)) return undefined;
  const rest = cleaned
    .slice(start[0].length)
    .replace(/\s+(?:in|on|to|into)\s+(?:my\s+)?calendar\b/i, '')
    .replace(/^[:,–—-]\s*/, '')
    .trim();
  const defaultTitle = noun ? noun.charAt(0).toUpperCase() + noun.slice(1) : calendar ? 'Event' : undefined;
  const parsed = rest ? splitEventText(rest, context, defaultTitle) : undefined;
  if (parsed?.ok) return { kind: 'event', title: parsed.title, when: parsed.when, whenText: parsed.whenText };
  // "add milk to the list" is not for us; "schedule a meeting sometime" is, and deserves a reason.
  const clearlyEvent = noun !== undefined || calendar || STRONG_VERBS.has(verb ?? '');
  if (!clearlyEvent) return undefined;
  return { kind: 'unclear', about: 'event', problem: parsed?.problem ?? 'When should it be? e.g. “meeting tomorrow at 3pm called Design review”.' };
}
