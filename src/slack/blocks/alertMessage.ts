/**
 * The team alert as posted in the channel: severity with an emoji, the sender's text, who raised it
 * and when. The text is untrusted: escaped into `verbatim: true` mrkdwn, so `<!channel>`, `@here`,
 * links or `<@U…>` in it do nothing. Only `mentionChannel` adds a real `<!channel>`, and the caller
 * sets it only when the sender asked for it and is allowed to. Nothing is cut: a long alert takes
 * several sections.
 */
import type { ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Severity } from '../../actions/alerts/alert.ts';
import { escapedChunks } from '../text/chunks.ts';
import { escapeTruncated, oneLine, slackDate, truncate } from '../text/mrkdwn.ts';

export const SEVERITY_STYLE: Record<Severity, { emoji: string; label: string }> = {
  critical: { emoji: ':rotating_light:', label: 'Critical' },
  warning: { emoji: ':warning:', label: 'Warning' },
  info: { emoji: ':information_source:', label: 'Info' },
};

const TEXT_MAX = 3000;
const NOTIFICATION_TEXT_MAX = 300;

export interface AlertMessageInput {
  severity: Severity;
  text: string;
  /** The Slack user id of the sender. */
  raisedBy: string;
  at: Date;
  /** Notify the whole channel: only when asked for and allowed. */
  mentionChannel: boolean;
}

export function buildAlertMessage(input: AlertMessageInput): { text: string; blocks: KnownBlock[] } {
  const { emoji, label } = SEVERITY_STYLE[input.severity];
  const broadcast = input.mentionChannel ? '<!channel> ' : '';
  const sender = /^[UW][A-Z0-9]{2,30}$/.test(input.raisedBy) ? `<@${input.raisedBy}>` : 'someone';
  const pieces = escapedChunks(input.text, TEXT_MAX);
  const blocks: KnownBlock[] = [
    section(`${broadcast}${emoji} *${label} alert*`),
    ...(pieces.length > 0 ? pieces : ['_(no text)_']).map(section),
    context(`Raised by ${sender} · ${slackDate(input.at)}`),
  ];
  // Notifications show the top-level text: it carries the broadcast (when allowed) and a short,
  // escaped preview in which a typed "@channel" cannot become one.
  const preview = escapeTruncated(oneLine(input.text), NOTIFICATION_TEXT_MAX).replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
  return { text: `${broadcast}${label} alert from ${sender}: ${preview}`, blocks };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, TEXT_MAX), verbatim: true } };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text, verbatim: true }] };
}
