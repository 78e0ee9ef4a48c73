/**
 * The unread-email summary as a Slack message: a header, one section per email (sender, subject,
 * when, snippet, an "Open in Gmail" button) with dividers between them, and a note when emails
 * were left out. Everything in an email is untrusted: it is cleaned, cut and escaped, and goes
 * into `verbatim: true` mrkdwn or plain_text, and the message stays inside Block Kit's limits
 * whatever the input.
 */
import type { Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { EmailSummary, UnreadResult } from '../../connectors/gmail/types.ts';
import { escapeMrkdwn, escapeTruncated, oneLine, slackDate, truncate } from '../text/mrkdwn.ts';

export const MAX_BLOCKS = 50;
const HEADER_MAX = 150;
const TEXT_MAX = 3000;
const URL_MAX = 3000;
const ACTION_ID_MAX = 255;
// Per-field budgets in escaped characters; together far below a section's 3000.
const SENDER_MAX = 200;
const SUBJECT_MAX = 300;
const SNIPPET_MAX = 200;
const SEARCH_IN_TEXT_MAX = 300;

export interface UnreadSummaryInput {
  result: UnreadResult;
  requested: number;
  search?: string | undefined;
}

export function buildUnreadSummary(input: UnreadSummaryInput): { text: string; blocks: KnownBlock[] } {
  const { result, requested } = input;
  const search = input.search ? oneLine(input.search) : '';
  if (result.emails.length === 0) return emptySummary(search);

  const total = result.emails.length;
  // A header, k sections and k-1 dividers take 2k blocks: 25 emails fit exactly. When some must
  // be left out, a context line says so: 2k+1 blocks, so 24 are shown.
  const shown = 2 * total <= MAX_BLOCKS ? total : Math.floor((MAX_BLOCKS - 1) / 2);
  const emails = result.emails.slice(0, shown);

  const blocks: KnownBlock[] = [header(headline(total, requested, search))];
  const actionIds = new Set<string>();
  emails.forEach((email, index) => {
    if (index > 0) blocks.push({ type: 'divider' });
    blocks.push(emailSection(email, result.mailbox, uniqueActionId(email.id, index, actionIds)));
  });
  const note = footnote(total, shown, result.totalEstimate);
  // The "about N in total" note is a nicety: it is dropped rather than an email when space is short.
  if (note && blocks.length < MAX_BLOCKS) blocks.push(context(note));
  return { text: fallbackText(headline(total, requested, search), result.emails), blocks };
}

function emptySummary(search: string): { text: string; blocks: KnownBlock[] } {
  const line = search
    ? `No unread email matches “${escapeTruncated(search, SEARCH_IN_TEXT_MAX)}”.`
    : 'No unread email :tada:';
  return { text: line, blocks: [section(line)] };
}

function headline(count: number, requested: number, search: string): string {
  const emails = count === 1 ? 'email' : 'emails';
  // Fewer than asked for means these are all of them; otherwise they are the newest.
  const base = count < requested
    ? `You have ${count} unread ${emails}`
    : count === 1 ? 'Your newest unread email' : `Your ${count} newest unread emails`;
  if (!search) return base;
  // plain_text: the search is shown as typed, never escaped; it is cut so the header fits.
  const prefix = `${base} matching “`;
  return `${prefix}${truncate(search, HEADER_MAX - prefix.length - 1)}”`;
}

function emailSection(email: EmailSummary, mailbox: string | undefined, actionId: string): SectionBlock {
  const sender = escapeTruncated(oneLine(email.from) || 'Unknown sender', SENDER_MAX);
  const subject = oneLine(email.subject);
  const lines = [
    `*${sender}*  ·  ${slackDate(email.receivedAt)}`,
    subject ? escapeTruncated(subject, SUBJECT_MAX) : '_(no subject)_',
  ];
  const snippet = oneLine(email.snippet);
  if (snippet) lines.push(`>${escapeTruncated(snippet, SNIPPET_MAX)}`);
  const block = section(lines.join('\n'));
  const url = gmailUrl(email.id, mailbox);
  if (url) block.accessory = openButton(url, actionId);
  return block;
}

function openButton(url: string, actionId: string): Button {
  return { type: 'button', text: { type: 'plain_text', text: 'Open in Gmail' }, url, action_id: actionId };
}

/** `authuser` picks the right account when the user is signed in to several; u/0 otherwise. */
export function gmailUrl(id: string, mailbox: string | undefined): string | undefined {
  const fragment = `#all/${encodeURIComponent(id)}`;
  const withAccount = mailbox ? `https://mail.google.com/mail/?authuser=${encodeURIComponent(mailbox)}${fragment}` : '';
  if (withAccount && withAccount.length <= URL_MAX) return withAccount;
  const generic = `https://mail.google.com/mail/u/0/${fragment}`;
  return generic.length <= URL_MAX ? generic : undefined;
}

/** action_ids must be unique within a message and at most 255 characters, whatever the ids are. */
function uniqueActionId(id: string, index: number, used: Set<string>): string {
  const base = `open_in_gmail:${oneLine(id)}`.slice(0, ACTION_ID_MAX - 6);
  const actionId = used.has(base) ? `${base}:${index}` : base;
  used.add(actionId);
  return actionId;
}

function footnote(total: number, shown: number, estimate: number): string | undefined {
  const left = total - shown;
  if (left > 0) return `${left} more unread ${left === 1 ? 'email was' : 'emails were'} left out to fit in one message.`;
  if (estimate > total) return `Showing ${total} of about ${estimate} unread emails.`;
  return undefined;
}

/** "You have 2 unread emails: Alice — Lunch; Bob — Hi", for notifications and screen readers. */
function fallbackText(headlineText: string, emails: EmailSummary[]): string {
  const items = emails.map((e) => `${oneLine(e.from) || 'Unknown sender'} — ${oneLine(e.subject) || '(no subject)'}`);
  // Top-level text is rendered as mrkdwn too: it is escaped like the blocks.
  return escapeTruncated(`${headlineText}: ${items.join('; ')}`, TEXT_MAX);
}

function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, HEADER_MAX), emoji: true } };
}

function section(text: string): SectionBlock {
  // Callers escape every untrusted piece; cutting here only guards the limit.
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, TEXT_MAX), verbatim: true } };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(text), verbatim: true }] };
}
