/** How each action's result is shown in Slack, and how the front-end speaks of what it needs. */
import type { UnreadResult } from '../connectors/gmail/types.ts';
import type { UnreadInput } from '../actions/showUnreadEmail.ts';
import { buildUnreadSummary } from './blocks/unreadSummary.ts';
import type { SlackMessage } from './replies.ts';

export const UNREAD_ACTION = 'unread.list';

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
      const { count, search } = input as UnreadInput;
      return buildUnreadSummary({ result: result as UnreadResult, requested: count, search });
    },
  },
};

export function presenterFor(action: string): ActionPresenter {
  const presenter = presenters[action];
  if (!presenter) throw new Error(`no presenter for action ${action}`);
  return presenter;
}
