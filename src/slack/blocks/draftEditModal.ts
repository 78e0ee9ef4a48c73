/**
 * Edit on a drafted reply: a modal holding the reply's words to change. Saving it updates the
 * Gmail draft (same draft, same thread) and the card, which still waits for Send.
 * private_metadata: the edit's id only (actions/agent/edits.ts); never the words or the mail.
 */
import type { ModalView } from '@slack/types';
import { REPLY_TEXT_MAX } from '../../actions/replyToEmail.ts';
import { escapeTruncated, oneLine } from '../text/mrkdwn.ts';

export const DRAFT_EDIT_CALLBACK = 'agent_draft_edit';
export const DRAFT_EDIT_BLOCK = 'reply';
export const DRAFT_EDIT_INPUT = 'text';

export function buildDraftEditModal(input: { editId: string; to: string; text: string }): ModalView {
  return {
    type: 'modal',
    callback_id: DRAFT_EDIT_CALLBACK,
    private_metadata: input.editId,
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
