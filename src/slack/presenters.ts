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

export function presenterFor(action: string): ActionPresenter {
  const presenter = presenters[action];
  if (!presenter) throw new Error(`no presenter for action ${action}`);
  return presenter;
}
