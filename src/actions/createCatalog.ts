/**
 * Builds the catalogue of actions the bot takes on a user's behalf (part of the composition root,
 * kept apart so app.ts stays a wiring file): each action with its connection and input schema.
 */
import type { Dispatcher } from 'undici';
import type { AgentAuth } from '../agentAuth/port.ts';
import { CalendarClient } from '../connectors/calendar/calendarClient.ts';
import { GmailClient } from '../connectors/gmail/gmailClient.ts';
import { GmailModifyClient } from '../connectors/gmail/markAsRead.ts';
import { ActionCatalog } from './catalog.ts';
import { CREATE_EVENT_ACTION, CreateCalendarEvent, createEventInputSchema } from './createCalendarEvent.ts';
import { MARK_READ_ACTION, MarkEmailRead, markReadInputSchema } from './markEmailRead.ts';
import { ShowUnreadEmail, unreadInputSchema } from './showUnreadEmail.ts';
import { GmailDraftsClient } from '../connectors/gmail/drafts.ts';
import { GmailReadClient } from '../connectors/gmail/readMessages.ts';
import { READ_EMAIL_ACTION, ReadEmail, readEmailInputSchema, SEARCH_EMAIL_ACTION, searchEmailInputSchema } from './readEmail.ts';
import { DISCARD_DRAFT_ACTION, draftIdInputSchema, DRAFT_REPLY_ACTION, draftReplyInputSchema, ReplyToEmail, SEND_DRAFT_ACTION, UPDATE_DRAFT_ACTION, updateDraftInputSchema } from './replyToEmail.ts';

export interface CatalogSettings {
  unreadAction: string;
  gmail: { connectionName: string; apiUrl: string };
  calendar: { connectionName: string; apiUrl: string };
}

/** `requestTimeoutMs`: how long one request to Gmail or Calendar may take (default 5 s). */
export function createCatalog(settings: CatalogSettings, deps: { agentAuth: AgentAuth; dispatcher: Dispatcher; requestTimeoutMs?: number }): ActionCatalog {
  const { agentAuth, dispatcher } = deps;
  const requestTimeoutMs = deps.requestTimeoutMs ?? 5_000;
  const showUnread = new ShowUnreadEmail({
    agentAuth,
    gmail: new GmailClient({ baseUrl: settings.gmail.apiUrl, dispatcher, requestTimeoutMs }),
    connection: settings.gmail.connectionName,
  });
  const markRead = new MarkEmailRead({
    agentAuth,
    gmail: new GmailModifyClient({ baseUrl: settings.gmail.apiUrl, dispatcher, requestTimeoutMs }),
    connection: settings.gmail.connectionName,
  });
  const createEvent = new CreateCalendarEvent({
    agentAuth,
    calendar: new CalendarClient({ baseUrl: settings.calendar.apiUrl, dispatcher, requestTimeoutMs }),
    connection: settings.calendar.connectionName,
  });
  const reply = new ReplyToEmail({
    agentAuth,
    gmail: new GmailDraftsClient({ baseUrl: settings.gmail.apiUrl, dispatcher, requestTimeoutMs }),
    connection: settings.gmail.connectionName,
  });
  const readEmail = new ReadEmail({
    agentAuth,
    gmail: new GmailReadClient({ baseUrl: settings.gmail.apiUrl, dispatcher, requestTimeoutMs: 5_000 }),
    connection: settings.gmail.connectionName,
  });
  return new ActionCatalog()
    .register({
      name: settings.unreadAction,
      connection: settings.gmail.connectionName,
      budget: 'read_mail',
      effect: 'read',
      input: unreadInputSchema,
      run: (identifier, input, signal) => showUnread.run(identifier, input, signal),
    })
    .register({
      name: MARK_READ_ACTION,
      connection: settings.gmail.connectionName,
      budget: 'read_mail',
      effect: 'write',
      input: markReadInputSchema,
      run: (identifier, input) => markRead.run(identifier, input),
    })
    .register({
      name: CREATE_EVENT_ACTION,
      connection: settings.calendar.connectionName,
      budget: 'calendar_write',
      effect: 'write',
      input: createEventInputSchema,
      run: (identifier, input) => createEvent.run(identifier, input),
    })
    // Replying to an email: a draft first (nothing leaves the mailbox), sent only on its own step.
    .register({
      name: DRAFT_REPLY_ACTION,
      connection: settings.gmail.connectionName,
      budget: 'read_mail',
      effect: 'write',
      input: draftReplyInputSchema,
      run: (identifier, input) => reply.draft(identifier, input),
    })
    .register({
      // The user's own Edit of a draft: nothing leaves the mailbox, so no approval of its own.
      name: UPDATE_DRAFT_ACTION,
      connection: settings.gmail.connectionName,
      budget: 'read_mail',
      effect: 'write',
      input: updateDraftInputSchema,
      run: (identifier, input) => reply.redraft(identifier, input),
    })
    .register({
      name: SEND_DRAFT_ACTION,
      connection: settings.gmail.connectionName,
      budget: 'read_mail',
      effect: 'write',
      input: draftIdInputSchema,
      run: (identifier, input) => reply.send(identifier, input),
    })
    .register({
      name: DISCARD_DRAFT_ACTION,
      connection: settings.gmail.connectionName,
      budget: 'read_mail',
      effect: 'write',
      input: draftIdInputSchema,
      run: (identifier, input) => reply.discard(identifier, input),
    })
    // Looking through mail for an agent's plan (the chat model's steps before it acts).
    .register({
      name: SEARCH_EMAIL_ACTION,
      connection: settings.gmail.connectionName,
      budget: 'read_mail',
      effect: 'read',
      input: searchEmailInputSchema,
      run: (identifier, input, signal) => readEmail.search(identifier, input, signal),
    })
    .register({
      name: READ_EMAIL_ACTION,
      connection: settings.gmail.connectionName,
      budget: 'read_mail',
      effect: 'read',
      input: readEmailInputSchema,
      run: (identifier, input, signal) => readEmail.read(identifier, input, signal),
    });
}
