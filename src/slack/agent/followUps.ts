/**
 * Follow-ups in an agent conversation, acting on the emails its last unread summary showed (kept in
 * the thread's state, so a restarted or another instance continues): the next page, marking some
 * as read, opening one. What the user names but was not shown is answered, never guessed.
 */
import type { KnownBlock } from '@slack/types';
import type { ThreadState } from '../../actions/agent/threadState.ts';
import type { UnreadResult } from '../../connectors/gmail/types.ts';
import { gmailUrl } from '../blocks/unreadSummary.ts';
import { pickEmails, type FollowUp } from '../parsing/followUpIntent.ts';
import { MARK_READ_ACTION, UNREAD_ACTION } from '../presenters.ts';
import { escapeTruncated, oneLine } from '../text/mrkdwn.ts';
import type { StepContext } from './stepDescriptions.ts';
import { DRAFT_REPLY_ACTION, SEND_DRAFT_ACTION, type DraftedReply } from '../../actions/replyToEmail.ts';
import { buildDraftCard } from '../blocks/draftCard.ts';

interface StepRunOptions {
  onShown?: (result: unknown) => Promise<void>;
  context?: StepContext;
  approved?: boolean;
  show?: (result: unknown) => Promise<{ text: string; blocks: KnownBlock[]; sessionStatus?: 'active' | 'suspended' }>;
}

export type ShownEmails = NonNullable<ThreadState['shown']>;

const MAX_OPENED = 5;

export interface FollowUpSteps {
  /** Runs one action in the stream as a task; `onShown` hears its result once shown. */
  run(action: string, input: unknown, options?: StepRunOptions): Promise<void>;
  /** Keeps a writing step to be approved on a card of the caller's; its approval id. */
  awaitApproval(action: string, input: unknown): Promise<string>;
  /** Closes the answer with words of our own. */
  say(message: { text: string; blocks?: KnownBlock[] }): Promise<void>;
  /** Remembers what an unread summary showed, for the next follow-up. */
  remember(result: UnreadResult, page: { count: number; search?: string | undefined }): Promise<void>;
}

export async function followUp(intent: FollowUp, shown: ShownEmails, steps: FollowUpSteps): Promise<void> {
  if (intent.kind === 'more') {
    const { count, search, nextPageToken } = shown.page;
    if (!nextPageToken) return steps.say({ text: 'That was all of your unread email: there is nothing more to show.' });
    const page = { count, ...(search ? { search } : {}) };
    return steps.run(UNREAD_ACTION, { ...page, pageToken: nextPageToken }, { onShown: (result) => steps.remember(result as UnreadResult, page) });
  }
  const picked = pickEmails(intent.pick, shown.emails);
  if (picked.length === 0) return steps.say({ text: nothingPicked(shown.emails.length) });
  if (intent.kind === 'reply') {
    if (picked.length > 1) return steps.say({ text: `${picked.length} of the emails I showed match that. Say which by position, e.g. “reply to the second one: …”.` });
    return draftReply(steps, picked[0]!.id, intent.text, shown.mailbox);
  }
  if (intent.kind === 'mark_read') {
    const context = { senders: picked.map((email) => email.from), mailbox: shown.mailbox };
    return steps.run(MARK_READ_ACTION, { ids: picked.map((email) => email.id) }, { context });
  }
  const blocks: KnownBlock[] = picked.slice(0, MAX_OPENED).map((email, index) => {
    const url = gmailUrl(email.id, shown.mailbox);
    return {
      type: 'section',
      text: { type: 'mrkdwn', text: `The email from *${escapeTruncated(oneLine(email.from), 200)}*`, verbatim: true },
      ...(url ? { accessory: { type: 'button', text: { type: 'plain_text', text: 'Open in Gmail' }, url, action_id: `open_in_gmail:followup:${index}` } } : {}),
    };
  });
  return steps.say({ text: picked.length === 1 ? 'Here it is.' : `Here are the ${picked.length} that match.`, blocks });
}

function nothingPicked(count: number): string {
  return `I showed you ${count} ${count === 1 ? 'email' : 'emails'} and none of them matches that. Say which by position ("the second one") or sender ("the one from Alice").`;
}

/**
 * Drafts the reply (only in the user's own mailbox) and shows it with Send / Edit / Discard:
 * sending it is the step the card waits on. The approval keeps the original's id and the words, so
 * Edit can show them again and draft anew.
 */
export function draftReply(steps: Pick<FollowUpSteps, 'run' | 'awaitApproval'>, messageId: string, text: string, mailbox: string | undefined): Promise<void> {
  return steps.run(DRAFT_REPLY_ACTION, { messageId, text }, {
    approved: true,
    show: async (result) => {
      const draft = result as DraftedReply;
      const approvalId = await steps.awaitApproval(SEND_DRAFT_ACTION, { draftId: draft.draftId, messageId, to: draft.to, text: draft.text, ...(mailbox ? { mailbox } : {}) });
      return { ...buildDraftCard({ approvalId, ...draft, mailbox }), sessionStatus: 'suspended' };
    },
  });
}
