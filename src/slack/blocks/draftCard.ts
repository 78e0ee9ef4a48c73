/**
 * A reply drafted in the user's Gmail, shown before anything is sent: to whom, the subject, the
 * words (inert, as written), with Send, Edit and Discard. Its buttons are an approval card's
 * (approvalCard.ts): Send approves sending this draft, Edit opens it in a modal, Discard deletes it.
 */
import type { KnownBlock } from '@slack/types';
import { escapeTruncated, oneLine, stripUnsafeChars } from '../text/mrkdwn.ts';
import { APPROVE_ACTION, CANCEL_ACTION, EDIT_ACTION } from './approvalCard.ts';
import { buildDecisionButtons } from './decisionButtons.ts';

export function buildDraftCard(input: { approvalId: string; to: string; subject: string; text: string; mailbox?: string | undefined }): { text: string; blocks: KnownBlock[] } {
  const subject = /^re:/i.test(input.subject.trim()) ? input.subject.trim() : `Re: ${input.subject.trim()}`;
  const head =
    `:email: *Your reply is drafted in Gmail.* Nothing is sent until you press Send.\n` +
    `*To:* ${escapeTruncated(oneLine(input.to), 300)}\n*Subject:* ${escapeTruncated(oneLine(subject), 300)}`;
  return {
    text: 'Your reply is drafted in Gmail. Nothing is sent until you press Send.',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head, verbatim: true } },
      { type: 'section', text: { type: 'mrkdwn', text: escapeTruncated(stripUnsafeChars(input.text), 2900), verbatim: true } },
      ...(input.mailbox ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: `From your Gmail account ${escapeTruncated(input.mailbox, 320)}.`, verbatim: true }] }] : []),
      buildDecisionButtons('agent_draft', input.approvalId, [
        { actionId: APPROVE_ACTION, label: 'Send' },
        { actionId: EDIT_ACTION, label: 'Edit' },
        { actionId: CANCEL_ACTION, label: 'Discard' },
      ]),
    ],
  };
}

export const DRAFT_ANSWERS = {
  sending: ':outbox_tray: Sending your reply…',
  discarded: 'Discarded: the draft is deleted and nothing was sent.',
  edit: 'Nothing was sent and the draft is deleted. Tell me the new words, e.g. “reply to Alice: Thursday works for me”.',
} as const;
