/**
 * Edit on an agent's card, as a modal prefilled with what the step would do: an event's title,
 * start and end; a proposed alert's words and channel. (A drafted reply's is draftEditModal.ts.)
 * Saving changes the step, which still waits for Approve (or Post). private_metadata carries the
 * edit's id only (actions/agent/edits.ts). Values from outside go in plain_text objects and inputs,
 * which Slack shows as written: nothing in them is read as markup.
 */
import type { ModalView, PlainTextElement } from '@slack/types';
import { ALERT_TEXT_MAX, channelRef, type AlertRequest } from '../../actions/alerts/alert.ts';
import { TITLE_MAX, type CreateEventInput } from '../../actions/createCalendarEvent.ts';
import { stripUnsafeChars } from '../text/mrkdwn.ts';

export const EVENT_EDIT_CALLBACK = 'agent_event_edit';
export const ALERT_EDIT_CALLBACK = 'agent_alert_edit';
/** Block ids, which are also the keys of the field errors answered on a bad save. */
export const EDIT_FIELDS = { title: 'title', start: 'start', end: 'end', text: 'text', channel: 'channel' } as const;
/** The one action id of each input: its block id says which field it is. */
export const EDIT_INPUT = 'value';

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });

function modal(callbackId: string, editId: string, title: string, blocks: ModalView['blocks']): ModalView {
  return { type: 'modal', callback_id: callbackId, private_metadata: editId, title: plain(title), submit: plain('Save'), close: plain('Cancel'), blocks };
}

export function buildEventEditModal(input: { editId: string; event: CreateEventInput }): ModalView {
  const { event } = input;
  const title = {
    type: 'input' as const,
    block_id: EDIT_FIELDS.title,
    label: plain('Title'),
    element: { type: 'plain_text_input' as const, action_id: EDIT_INPUT, max_length: TITLE_MAX, initial_value: stripUnsafeChars(event.title).slice(0, TITLE_MAX) },
  };
  const note = { type: 'context' as const, elements: [plain(`Times are in your Slack time zone. Nothing is added to your calendar until you press Approve.`)] };
  if (event.when.kind === 'timed') {
    const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    return modal(EVENT_EDIT_CALLBACK, input.editId, 'Edit the event', [
      title,
      { type: 'input', block_id: EDIT_FIELDS.start, label: plain('Starts'), element: { type: 'datetimepicker', action_id: EDIT_INPUT, initial_date_time: unix(event.when.start) } },
      { type: 'input', block_id: EDIT_FIELDS.end, label: plain('Ends'), element: { type: 'datetimepicker', action_id: EDIT_INPUT, initial_date_time: unix(event.when.end) } },
      note,
    ]);
  }
  return modal(EVENT_EDIT_CALLBACK, input.editId, 'Edit the event', [
    title,
    { type: 'input', block_id: EDIT_FIELDS.start, label: plain('First day'), element: { type: 'datepicker', action_id: EDIT_INPUT, initial_date: event.when.date } },
    // Google's end date is the day after; people name the last day.
    { type: 'input', block_id: EDIT_FIELDS.end, label: plain('Last day'), element: { type: 'datepicker', action_id: EDIT_INPUT, initial_date: addDays(event.when.endDate, -1) } },
    note,
  ]);
}

export function buildAlertEditModal(input: { editId: string; request: AlertRequest }): ModalView {
  const { request } = input;
  const ref = request.channel === undefined ? undefined : channelRef(request.channel);
  const channel = !ref ? '' : ref.kind === 'id' ? ref.id : `#${ref.name}`;
  return modal(ALERT_EDIT_CALLBACK, input.editId, 'Edit the alert', [
    {
      type: 'input',
      block_id: EDIT_FIELDS.text,
      label: plain('What the alert says'),
      element: { type: 'plain_text_input', action_id: EDIT_INPUT, multiline: true, max_length: ALERT_TEXT_MAX, initial_value: stripUnsafeChars(request.text).slice(0, ALERT_TEXT_MAX) },
    },
    {
      type: 'input',
      block_id: EDIT_FIELDS.channel,
      optional: true,
      label: plain('Channel'),
      hint: plain('A channel name such as #ops, or its id. Leave it empty for the team channel.'),
      element: { type: 'plain_text_input', action_id: EDIT_INPUT, max_length: 81, ...(channel ? { initial_value: channel } : {}) },
    },
    { type: 'context', elements: [plain('Nothing is posted until you press Post.')] },
  ]);
}

/** `YYYY-MM-DD` moved by whole days (UTC arithmetic on a plain date). */
export function addDays(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}
