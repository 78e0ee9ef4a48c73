/**
 * The private card that shows an alert a chat model proposed, before anything is posted: what will
 * be posted (the text as the sender will see it, inert), where, how urgent, whether it notifies the
 * channel, with Post and Cancel. Nothing is posted until the sender presses Post.
 */
import type { KnownBlock } from '@slack/types';
import type { AlertRequest } from '../../actions/alerts/alert.ts';
import { channelRef } from '../../actions/alerts/alert.ts';
import { escapeTruncated, stripUnsafeChars } from '../text/mrkdwn.ts';
import { buildDecisionButtons } from './decisionButtons.ts';

export const PROPOSAL_POST_ACTION = 'alert_proposal:post';
export const PROPOSAL_CANCEL_ACTION = 'alert_proposal:cancel';
export const PROPOSAL_EDIT_ACTION = 'alert_proposal:edit';
export const PROPOSAL_ACTIONS = /^alert_proposal:(post|cancel)$/;

function where(channel: string | undefined): string {
  const ref = channel === undefined ? undefined : channelRef(channel);
  if (!ref) return 'the team channel';
  return ref.kind === 'id' ? `<#${ref.id}>` : `#${escapeTruncated(ref.name, 80)}`;
}

/**
 * `editable`: the card has Edit too (in an agent conversation, where the card is a message it can
 * update); `viewed`: its channel is the one the user was viewing, not one they named.
 */
export function buildAlertProposal(input: { proposalId: string; request: AlertRequest; editable?: boolean; viewed?: boolean }): { text: string; blocks: KnownBlock[] } {
  const { request } = input;
  const head =
    `:raised_hand: *Post this alert?* You asked in your own words, so check it first.\n` +
    `*Where:* ${where(request.channel)}${input.viewed ? ' (the channel you are viewing)' : ''}   *Severity:* ${request.severity}` +
    (request.mentionChannel === true ? '   *Notifies:* everyone in the channel (@channel)' : '');
  return {
    text: 'Post this alert? Check it first: nothing is posted until you press Post.',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head, verbatim: true } },
      { type: 'section', text: { type: 'mrkdwn', text: escapeTruncated(stripUnsafeChars(request.text), 2900), verbatim: true } },
      buildDecisionButtons('alert_proposal', input.proposalId, [
        { actionId: PROPOSAL_POST_ACTION, label: 'Post' },
        ...(input.editable ? [{ actionId: PROPOSAL_EDIT_ACTION, label: 'Edit' }] : []),
        { actionId: PROPOSAL_CANCEL_ACTION, label: 'Cancel' },
      ]),
    ],
  };
}

export const PROPOSAL_ANSWERS = {
  cancelled: ':wastebasket: Cancelled: nothing was posted.',
  gone: 'That alert was already posted or cancelled, or the card is more than an hour old: nothing more was done. Ask me again if you still need it.',
  notYours: 'Only the person who asked for this alert can post or cancel it.',
} as const;
