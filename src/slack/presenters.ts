/** How each action's result is shown in Slack, and how the front-end speaks of what it needs. */
import type { CalendarEvent } from '../connectors/calendar/types.ts';
import type { UnreadResult } from '../connectors/gmail/types.ts';
import { CREATE_EVENT_ACTION, type CreateEventInput } from '../actions/createCalendarEvent.ts';
import type { UnreadInput } from '../actions/showUnreadEmail.ts';
import { buildEventConfirmation } from './blocks/eventConfirmation.ts';
import { buildUnreadSummary } from './blocks/unreadSummary.ts';
import { addUnreadActions } from './blocks/unreadSummaryActions.ts';
import { MARK_READ_ACTION } from '../actions/markEmailRead.ts';
import type { SlackMessage } from './replies.ts';
import { DISCARD_DRAFT_ACTION, DRAFT_REPLY_ACTION, SEND_DRAFT_ACTION, UPDATE_DRAFT_ACTION, type DraftedReply } from '../actions/replyToEmail.ts';
import { escapeTruncated, oneLine } from './text/mrkdwn.ts';
import { READ_EMAIL_ACTION, SEARCH_EMAIL_ACTION } from '../actions/readEmail.ts';

export const UNREAD_ACTION = 'unread.list';
export { CREATE_EVENT_ACTION, MARK_READ_ACTION };

export interface ActionPresenter {
  /** Completes "I need access to <label> to …". */
  purpose: string;
  connectorLabel: string;
  present(result: unknown, input: unknown): SlackMessage;
}

export const presenters: Record<string, ActionPresenter> = {
  [UNREAD_ACTION]: {
    purpose: 'show your unread email',
    connectorLabel: 'Gmail',
    present: (result, input) => {
      const { count, search, pageToken, skip } = input as UnreadInput;
      const unread = result as UnreadResult;
      const summary = buildUnreadSummary({ result: unread, requested: count, search });
      return addUnreadActions(summary, unread.emails, { count, search, pageToken, skip, nextPageToken: unread.nextPageToken });
    },
  },
  [MARK_READ_ACTION]: {
    purpose: 'mark your email as read',
    connectorLabel: 'Gmail',
    present: () => ({ text: ':white_check_mark: Marked as read.' }),
  },
  [CREATE_EVENT_ACTION]: {
    purpose: 'add events to your calendar',
    connectorLabel: 'Google Calendar',
    present: (result, input) =>
      buildEventConfirmation({ event: result as CalendarEvent, timeZone: (input as CreateEventInput).timeZone }),
  },
};

// Replies to email (the agent conversation shows a draft with its own card; see blocks/draftCard.ts).
Object.assign(presenters, {
  [DRAFT_REPLY_ACTION]: {
    purpose: 'draft replies to your email (sent only when you press Send)',
    connectorLabel: 'Gmail',
    present: (result: unknown) => ({ text: `Drafted a reply to ${escapeTruncated(oneLine((result as DraftedReply).to), 300)}.` }),
  },
  [UPDATE_DRAFT_ACTION]: {
    purpose: 'change the reply you drafted (sent only when you press Send)',
    connectorLabel: 'Gmail',
    present: () => ({ text: 'The draft is changed: nothing was sent.' }),
  },
  [SEND_DRAFT_ACTION]: {
    purpose: 'send the reply you drafted',
    connectorLabel: 'Gmail',
    present: () => ({ text: ':white_check_mark: Sent.' }),
  },
  [DISCARD_DRAFT_ACTION]: {
    purpose: 'discard the reply you drafted',
    connectorLabel: 'Gmail',
    present: () => ({ text: 'The draft is deleted: nothing was sent.' }),
  },
} satisfies Record<string, ActionPresenter>);

// Looking through mail for a chat model's plan: the model reads the result and writes the answer.
Object.assign(presenters, {
  [SEARCH_EMAIL_ACTION]: {
    purpose: 'search your email',
    connectorLabel: 'Gmail',
    present: (result: unknown) => ({ text: `Found ${(result as { emails: unknown[] }).emails.length} emails.` }),
  },
  [READ_EMAIL_ACTION]: {
    purpose: 'read the email',
    connectorLabel: 'Gmail',
    present: () => ({ text: 'Read the email.' }),
  },
} satisfies Record<string, ActionPresenter>);

export function presenterFor(action: string): ActionPresenter {
  const presenter = presenters[action];
  if (!presenter) throw new Error(`no presenter for action ${action}`);
  return presenter;
}
