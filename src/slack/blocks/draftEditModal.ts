/**
 * Edit on a drafted reply: a modal holding the reply's words to change. Submitting it drafts the
 * reply anew (the old draft is deleted) and shows the new one with Send / Edit / Discard.
 * private_metadata: `<approval id>|<channel>|<card ts>`, all ours.
 */
import type { ModalView } from '@slack/types';
import { REPLY_TEXT_MAX } from '../../actions/replyToEmail.ts';
import { escapeTruncated, oneLine } from '../text/mrkdwn.ts';

export const DRAFT_EDIT_CALLBACK = 'agent_draft_edit';
export const DRAFT_EDIT_BLOCK = 'reply';
export const DRAFT_EDIT_INPUT = 'text';

export function buildDraftEditModal(input: { approvalId: string; channel: string; cardTs: string; to: string; text: string }): ModalView {
  return {
    type: 'modal',
    callback_id: DRAFT_EDIT_CALLBACK,
    private_metadata: [input.approvalId, input.channel, input.cardTs].join('|'),
    title: { type: 'plain_text', text: 'Edit your reply' },
    submit: { type: 'plain_text', text: 'Save draft' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: `To ${escapeTruncated(oneLine(input.to), 300)}. Nothing is sent until you press Send.`, verbatim: true }] },
      {
        type: 'input',
        block_id: DRAFT_EDIT_BLOCK,
        label: { type: 'plain_text', text: 'Your reply' },
        element: {
          type: 'plain_text_input',
          action_id: DRAFT_EDIT_INPUT,
          multiline: true,
          max_length: REPLY_TEXT_MAX,
          initial_value: input.text.slice(0, REPLY_TEXT_MAX),
        },
      },
    ],
  };
}

export function parseDraftEditMetadata(metadata: string): { approvalId: string; channel: string; cardTs: string } | undefined {
  const [approvalId, channel, cardTs] = metadata.split('|');
  if (!approvalId || !channel || !cardTs || !/^[\w-]{1,64}$/.test(approvalId) || !/^[A-Z0-9]{1,32}$/.test(channel) || !/^\d+\.\d+$/.test(cardTs)) return undefined;
  return { approvalId, channel, cardTs };
}
