/**
 * The card a writing step waits on in an agent conversation: what will happen, to whom, with which
 * account, and Approve / Edit / Cancel. Nothing is written until its user presses Approve.
 * action_ids `agent_step:approve|edit|cancel`, value: the approval's id.
 */
import type { KnownBlock } from '@slack/types';
import { buildDecisionButtons } from './decisionButtons.ts';

export const APPROVAL_ACTIONS = /^agent_step:(approve|edit|cancel)$/;
export const APPROVE_ACTION = 'agent_step:approve';
export const EDIT_ACTION = 'agent_step:edit';
export const CANCEL_ACTION = 'agent_step:cancel';

/** `what` and `account` are mrkdwn, already escaped by the caller. */
export function buildApprovalCard(input: { approvalId: string; what: string; account: string }): { text: string; blocks: KnownBlock[] } {
  return {
    text: 'Approve this step? Nothing is done until you press Approve.',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:raised_hand: *Shall I do this for you?*\n${input.what}`, verbatim: true } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `With ${input.account}. Nothing is done until you press Approve.`, verbatim: true }] },
      buildDecisionButtons('agent_step', input.approvalId, [
        { actionId: APPROVE_ACTION, label: 'Approve' },
        { actionId: EDIT_ACTION, label: 'Edit' },
        { actionId: CANCEL_ACTION, label: 'Cancel' },
      ]),
    ],
  };
}

export const APPROVAL_ANSWERS = {
  approved: ':white_check_mark: Approved: doing it now.',
  cancelled: 'Cancelled: nothing was done.',
  edit: 'Nothing was done. Tell me in this thread what to change, and I will show you the step again.',
  editFailed: 'I could not open the editor just now: nothing was changed. Press Edit again.',
  gone: 'That step was already decided, or it has expired: nothing more was done. Ask me again if you still want it.',
  notYours: 'Only the person who asked can approve that step.',
} as const;
