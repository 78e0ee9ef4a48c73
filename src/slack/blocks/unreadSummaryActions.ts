/**
 * Buttons on the unread-email summary, added to what buildUnreadSummary made: per email "Open in
 * Gmail" and "Mark as read", and "Show more" for the next emails.
 *
 * Layout: a section has one accessory, so both buttons move into an `actions` block under each
 * email, and the dividers go (the buttons separate the emails). That is two blocks per email, so at
 * most 23 emails fit in Slack's 50 blocks with the header, a note and "Show more"; any left out are
 * where "Show more" continues (it re-lists the same page and skips what was shown).
 * action_ids: `open_in_gmail:<id>` (as before, acknowledged by the link-button listener),
 * `mark_read:<id>` (value: the message id), `unread_show_more` (value: compact JSON, ≤ 2000).
 */
import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import { z } from 'zod';
import { MAX_UNREAD } from '../../actions/showUnreadEmail.ts';
import type { EmailSummary } from '../../connectors/gmail/types.ts';
import { MAX_SEARCH_CHARS } from '../parsing/unreadArgs.ts';
import { oneLine } from '../text/mrkdwn.ts';

export const MARK_READ_PREFIX = 'mark_read:';
export const SHOW_MORE_ACTION_ID = 'unread_show_more';
export const MAX_EMAILS_WITH_ACTIONS = 23;
const MAX_BLOCKS = 50;
const ACTION_ID_MAX = 255;
const VALUE_MAX = 2000;
const SECTION_MAX = 3000;
const MARKED = '\n:white_check_mark: _Marked as read_';

/** Where the next emails are: list `pageToken`'s page of `count` (first page when absent), skip `skip`. */
export const showMoreSchema = z.object({
  c: z.number().int().min(1).max(MAX_UNREAD),
  s: z.string().max(MAX_SEARCH_CHARS).optional(),
  p: z.string().regex(/^[\w.~-]{1,512}$/).optional(),
  k: z.number().int().min(0).max(MAX_UNREAD).optional(),
});
export type ShowMorePage = z.infer<typeof showMoreSchema>;

export interface SummaryPage {
  /** How many were asked for: the page size Gmail listed. */
  count: number;
  search?: string | undefined;
  /** The token this page was listed with (undefined: the first page), and how many of it were skipped. */
  pageToken?: string | undefined;
  skip?: number | undefined;
  /** Gmail's token for the page after this one, if there is one. */
  nextPageToken?: string | undefined;
}

export function addUnreadActions(
  summary: { text: string; blocks: KnownBlock[] },
  emails: readonly EmailSummary[],
  page: SummaryPage,
): { text: string; blocks: KnownBlock[] } {
  const [head, ...rest] = summary.blocks;
  if (head?.type !== 'header') return summary; // "No unread email": nothing to act on
  const sections = rest.filter((block): block is SectionBlock => block.type === 'section').slice(0, MAX_EMAILS_WITH_ACTIONS);
  const shown = Math.min(sections.length, emails.length);
  const blocks: KnownBlock[] = [head];
  const used = new Set<string>();
  sections.slice(0, shown).forEach((section, index) => {
    const email = emails[index]!;
    const { accessory, ...withoutAccessory } = section;
    const buttons: Button[] = accessory?.type === 'button' ? [accessory] : [];
    buttons.push({ type: 'button', text: { type: 'plain_text', text: 'Mark as read' }, action_id: uniqueId(`${MARK_READ_PREFIX}${oneLine(email.id)}`, index, used), value: markReadValue(email.id, page) });
    blocks.push(withoutAccessory, { type: 'actions', elements: buttons });
  });

  const left = emails.length - shown;
  const skip = page.skip ?? 0;
  const next: ShowMorePage | undefined = left > 0
    ? { c: page.count, ...(page.search ? { s: page.search } : {}), ...(page.pageToken ? { p: page.pageToken } : {}), k: skip + shown }
    : page.nextPageToken ? { c: page.count, ...(page.search ? { s: page.search } : {}), p: page.nextPageToken } : undefined;
  const note = rest.find((block) => block.type === 'context');
  if (left > 0) blocks.push(contextNote(`${left} more unread ${left === 1 ? 'email is' : 'emails are'} not shown, to fit in one message: “Show more” starts with ${left === 1 ? 'it' : 'them'}.`));
  else if (note) blocks.push(note);
  const value = next ? JSON.stringify(next) : undefined;
  if (value && value.length <= VALUE_MAX && showMoreSchema.safeParse(next).success && blocks.length < MAX_BLOCKS) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Show more' }, action_id: SHOW_MORE_ACTION_ID, value }] });
  }
  return { text: summary.text, blocks };
}

/**
 * "Mark as read" carries the email's id and the page it is on: Slack sends no blocks with a click
 * on a private (ephemeral) message, so the bot lists that page again to update the message.
 */
function markReadValue(id: string, page: SummaryPage): string {
  const current: ShowMorePage = {
    c: page.count,
    ...(page.search ? { s: page.search } : {}),
    ...(page.pageToken ? { p: page.pageToken } : {}),
    ...(page.skip ? { k: page.skip } : {}),
  };
  const value = JSON.stringify({ i: id, ...current });
  return value.length <= VALUE_MAX && showMoreSchema.safeParse(current).success ? value : id.slice(0, VALUE_MAX);
}

/** The email a "Mark as read" button is for, and its page when the button carries it. */
export function parseMarkReadValue(value: string): { id: string; page: ShowMorePage | undefined } {
  if (!value.startsWith('{')) return { id: value, page: undefined };
  try {
    const { i, ...rest } = JSON.parse(value) as { i?: unknown };
    const page = showMoreSchema.safeParse(rest);
    return { id: typeof i === 'string' ? i : '', page: page.success ? page.data : undefined };
  } catch {
    return { id: '', page: undefined };
  }
}

/** The "Show more" button's value, checked; undefined when it is not one of ours. */
export function parseShowMoreValue(value: string): ShowMorePage | undefined {
  if (value.length > VALUE_MAX) return undefined;
  try {
    const parsed = showMoreSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The message after "Mark as read" on one email: its button gone and the email marked as read,
 * everything else as it was, for updating the private message in place. Unchanged when not found.
 */
export function markedAsRead(blocks: readonly KnownBlock[], messageId: string): KnownBlock[] {
  const index = blocks.findIndex(
    (block) => block.type === 'actions' && block.elements.some((element) => isMarkRead(element, messageId)),
  );
  if (index < 1) return [...blocks];
  const actions = blocks[index] as ActionsBlock;
  const above = blocks[index - 1]!;
  const out = [...blocks];
  const remaining = actions.elements.filter((element) => !isMarkRead(element, messageId));
  if (remaining.length > 0) out[index] = { ...actions, elements: remaining };
  else out.splice(index, 1);
  if (above.type === 'section' && above.text?.type === 'mrkdwn' && above.text.text.length + MARKED.length <= SECTION_MAX) {
    out[index - 1] = { ...above, text: { ...above.text, text: above.text.text + MARKED } };
  }
  return out;
}

function isMarkRead(element: ActionsBlock['elements'][number], messageId: string): boolean {
  return (
    element.type === 'button' &&
    element.action_id?.startsWith(MARK_READ_PREFIX) === true &&
    parseMarkReadValue(element.value ?? '').id === messageId
  );
}

function uniqueId(base: string, index: number, used: Set<string>): string {
  const cut = base.slice(0, ACTION_ID_MAX - 6);
  const id = used.has(cut) ? `${cut}:${index}` : cut;
  used.add(id);
  return id;
}

function contextNote(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text, verbatim: true }] };
}
