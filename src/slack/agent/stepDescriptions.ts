/**
 * A writing step in words for its approval card: what will happen, to what, and with which account.
 * Everything that came from outside (senders, titles) is escaped here.
 */
import type { CreateEventInput } from '../../actions/createCalendarEvent.ts';
import { CREATE_EVENT_ACTION, MARK_READ_ACTION } from '../presenters.ts';
import { escapeTruncated, oneLine, slackDate } from '../text/mrkdwn.ts';

export interface StepContext {
  /** The senders of the emails a step acts on, as shown. */
  senders?: string[];
  /** The mailbox the emails are in, when Gmail told us. */
  mailbox?: string | undefined;
}

export function describeStep(action: string, input: unknown, context: StepContext = {}): { what: string; account: string } {
  if (action === MARK_READ_ACTION) {
    const ids = (input as { ids: string[] }).ids;
    const senders = (context.senders ?? []).slice(0, 5).map((from) => `• ${escapeTruncated(oneLine(from), 120)}`);
    const more = (context.senders?.length ?? 0) > 5 ? `\n• …and ${(context.senders?.length ?? 0) - 5} more` : '';
    const head = `Mark ${ids.length === 1 ? 'this email' : `these ${ids.length} emails`} as read:`;
    return { what: [head, ...senders].join('\n') + more, account: gmailAccount(context.mailbox) };
  }
  if (action === CREATE_EVENT_ACTION) {
    const event = input as CreateEventInput;
    const when = event.when.kind === 'timed' ? slackDate(new Date(event.when.start)) : escapeTruncated(event.when.date, 20);
    return { what: `Add *${escapeTruncated(oneLine(event.title), 200)}* to your calendar, ${when}.`, account: 'your Google Calendar' };
  }
  return { what: `Run \`${escapeTruncated(action, 80)}\`.`, account: 'your connected account' };
}

function gmailAccount(mailbox: string | undefined): string {
  return mailbox ? `your Gmail account ${escapeTruncated(mailbox, 320)}` : 'your Gmail account';
}
