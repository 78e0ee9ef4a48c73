/**
 * `/actions-log`: a user's own last actions, newest first: when, what, through which account, and
 * how it ended. The entries hold no content, so neither does this message.
 */
import type { KnownBlock } from '@slack/types';
import type { AuditEntry } from '../../actions/audit.ts';
import type { ErrorCode } from '../../core/errors.ts';
import { escapeTruncated, oneLine, slackDate } from '../text/mrkdwn.ts';

const TEXT_MAX = 3000;
export const MAX_LOG_ENTRIES = 50;

/** Known action names in words; others are shown by name. */
export const ACTION_LABELS: Record<string, string> = {
  'unread.list': 'Showed your unread email',
  'gmail.mark_read': 'Marked an email as read',
  'calendar.create_event': 'Created a calendar event',
  'alert.raise': 'Raised a team alert',
  'gmail.draft_reply': 'Drafted a reply to an email',
  'gmail.send_draft': 'Sent a reply you drafted',
  'gmail.update_draft': 'Changed the words of a drafted reply',
  'gmail.discard_draft': 'Discarded a drafted reply',
  'agent.feedback.good': 'Rated an answer as helpful',
  'agent.feedback.bad': 'Rated an answer as not helpful',
};

const ERROR_WORDS: Record<ErrorCode, string> = {
  NEEDS_AUTHORIZATION: 'needed your authorization',
  UPSTREAM_UNAUTHORIZED: 'access was refused',
  UPSTREAM_UNAVAILABLE: 'the service was unavailable',
  RATE_LIMITED: 'the service was busy',
  OVER_BUDGET: 'you had asked too often just then',
  BAD_INPUT: 'the request could not be used',
  STOPPED: 'you stopped it',
  INTERNAL: 'something went wrong on my side',
};

export interface ActionsLogOptions {
  /** Connection keys in words, e.g. `{ gmail: 'Gmail', 'google-calendar': 'Google Calendar' }`. */
  connectionLabels?: Record<string, string>;
  /** AUDIT_RETENTION_DAYS: how far back the log reaches, said under it. */
  keptDays?: number;
}

export function buildActionsLog(entries: readonly AuditEntry[], options: ActionsLogOptions = {}): { text: string; blocks: KnownBlock[] } {
  const shown = entries.slice(0, MAX_LOG_ENTRIES);
  const kept = options.keptDays === undefined ? undefined : `${options.keptDays} ${options.keptDays === 1 ? 'day' : 'days'}`;
  if (shown.length === 0) {
    const text = kept
      ? `I haven't done anything on your behalf in the last ${kept} (entries are kept that long). When I do, it shows here.`
      : "I haven't done anything on your behalf yet. When I do, it shows here.";
    return { text, blocks: [section(text)] };
  }
  const lines = shown.map((entry) => line(entry, options.connectionLabels ?? {}));
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'What I did for you, newest first', emoji: true } }];
  let current = '';
  for (const text of lines) {
    if (current && current.length + 1 + text.length > TEXT_MAX) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${text}` : text;
  }
  if (current) blocks.push(section(current));
  const count = `${shown.length} ${shown.length === 1 ? 'action' : 'actions'}`;
  const reach = kept ? ` Showing your last ${count}; entries are kept for ${kept}.` : '';
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', verbatim: true, text: `Only you see this. I record what I did and how it ended, never the content.${reach}` }] });
  return { text: `Your last ${count}.`, blocks };
}

function line(entry: AuditEntry, connectionLabels: Record<string, string>): string {
  const what = ACTION_LABELS[entry.action] ?? `\`${escapeTruncated(oneLine(entry.action), 80)}\``;
  const connection = entry.connection ? connectionLabels[entry.connection] ?? entry.connection : undefined;
  const through = connection ? ` (${escapeTruncated(oneLine(connection), 80)})` : '';
  const outcome =
    entry.outcome === 'ok'
      ? ':white_check_mark: done'
      : entry.outcome === 'needs_authorization'
        ? ':lock: needed your authorization'
        : `:x: failed: ${ERROR_WORDS[entry.errorCode ?? 'INTERNAL'] ?? ERROR_WORDS.INTERNAL}`;
  return `• ${slackDate(entry.at)}: ${what}${through}, ${outcome}`;
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}
