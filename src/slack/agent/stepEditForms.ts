/**
 * A saved Edit modal read back into the step it edits, checked with the action's own zod schema
 * (the event's, the alert's, the reply's). What does not pass is answered under its field, in words
 * (`response_action: errors`), and nothing changes.
 */
import { alertRequestSchema, ALERT_TEXT_MAX, type AlertRequest } from '../../actions/alerts/alert.ts';
import { createEventInputSchema, TITLE_MAX, type CreateEventInput } from '../../actions/createCalendarEvent.ts';
import { draftReplyInputSchema, REPLY_TEXT_MAX } from '../../actions/replyToEmail.ts';
import { DRAFT_EDIT_BLOCK, DRAFT_EDIT_INPUT } from '../blocks/draftEditModal.ts';
import { addDays, EDIT_FIELDS, EDIT_INPUT } from '../blocks/stepEditModals.ts';
import { stripUnsafeChars } from '../text/mrkdwn.ts';

/** view.state.values as Slack sends them: block id → action id → the element's state. */
export type ViewValues = Record<string, Record<string, { value?: string | null; selected_date_time?: number | null; selected_date?: string | null } | undefined>>;

export type FormRead<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const field = (values: ViewValues, block: string, action = EDIT_INPUT) => values[block]?.[action];
const text = (values: ViewValues, block: string, action = EDIT_INPUT) => stripUnsafeChars(field(values, block, action)?.value ?? '').trim();

/** As the words' reader allows (whenParser.ts): a start a moment ago is still now. */
const PAST_GRACE_MS = 60_000;

/** `now`: a timed event may not start before it (an all-day one, not before today in its zone). */
export function readEventForm(values: ViewValues, current: CreateEventInput, now: Date): FormRead<CreateEventInput> {
  const title = text(values, EDIT_FIELDS.title);
  let when: unknown;
  if (current.when.kind === 'timed') {
    const at = (block: string) => {
      const seconds = field(values, block)?.selected_date_time;
      return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : '';
    };
    when = { kind: 'timed', start: at(EDIT_FIELDS.start), end: at(EDIT_FIELDS.end) };
  } else {
    const day = (block: string) => field(values, block)?.selected_date ?? '';
    const last = day(EDIT_FIELDS.end);
    when = { kind: 'allDay', date: day(EDIT_FIELDS.start), endDate: /^\d{4}-\d{2}-\d{2}$/.test(last) ? addDays(last, 1) : '' };
  }
  const parsed = createEventInputSchema.safeParse({ ...current, title, when });
  if (parsed.success) {
    const w = parsed.data.when;
    const past = w.kind === 'timed' ? Date.parse(w.start) < now.getTime() - PAST_GRACE_MS : w.date < todayIn(current.timeZone, now);
    return past ? { ok: false, errors: { [EDIT_FIELDS.start]: 'That is in the past: choose a later start.' } } : { ok: true, value: parsed.data };
  }
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const [top, inner] = issue.path;
    if (top === 'title') errors[EDIT_FIELDS.title] = `Give the event a title, at most ${TITLE_MAX} characters.`;
    else if (inner === 'start' || inner === 'date') errors[EDIT_FIELDS.start] = 'Choose when it starts.';
    else if (top === 'when') errors[EDIT_FIELDS.end] = 'The event must end after it starts.';
  }
  if (Object.keys(errors).length === 0) errors[EDIT_FIELDS.title] = 'That event cannot be saved as it is.';
  return { ok: false, errors };
}

function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function readAlertForm(values: ViewValues, current: AlertRequest): FormRead<AlertRequest> {
  const words = stripUnsafeChars(field(values, EDIT_FIELDS.text)?.value ?? '').trim();
  const channel = text(values, EDIT_FIELDS.channel);
  const { channel: _old, ...rest } = current;
  const parsed = alertRequestSchema.safeParse({ ...rest, text: words, ...(channel ? { channel } : {}) });
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    if (issue.path[0] === 'text') errors[EDIT_FIELDS.text] = `Write what the alert says, at most ${ALERT_TEXT_MAX.toLocaleString('en-US')} characters.`;
    if (issue.path[0] === 'channel') errors[EDIT_FIELDS.channel] = 'That is not a channel: write its name, such as #ops, or leave it empty for the team channel.';
  }
  if (Object.keys(errors).length === 0) errors[EDIT_FIELDS.text] = 'That alert cannot be saved as it is.';
  return { ok: false, errors };
}

export function readDraftForm(values: ViewValues, messageId: string): FormRead<string> {
  const words = stripUnsafeChars(field(values, DRAFT_EDIT_BLOCK, DRAFT_EDIT_INPUT)?.value ?? '').trim();
  const parsed = draftReplyInputSchema.safeParse({ messageId, text: words });
  if (parsed.success) return { ok: true, value: parsed.data.text };
  return { ok: false, errors: { [DRAFT_EDIT_BLOCK]: `Write your reply (at most ${REPLY_TEXT_MAX.toLocaleString('en-US')} characters).` } };
}
