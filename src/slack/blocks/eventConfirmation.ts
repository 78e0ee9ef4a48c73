/**
 * The private confirmation after an event was created: its title, when (Slack date tokens, which
 * Slack shows in the viewer's own zone: the zone the event was read in, since that came from their
 * Slack profile), and a button to open it in Google Calendar. All-day events are written out as
 * dates: a date token needs an instant, and midnight UTC is the previous day in the Americas.
 */
import type { KnownBlock } from '@slack/types';
import type { CalendarEvent, EventTime } from '../../connectors/calendar/types.ts';
import { addDays, parseDate } from '../../core/zonedTime.ts';
import { escapeMrkdwn, escapeTruncated, oneLine, truncate } from '../text/mrkdwn.ts';

export const OPEN_EVENT_ACTION_ID = 'open_calendar_event';
const TITLE_MAX = 300;
const URL_MAX = 3000;
const MINUTE = 60_000;

export function buildEventConfirmation(input: { event: CalendarEvent; timeZone: string }): { text: string; blocks: KnownBlock[] } {
  const { event, timeZone } = input;
  const title = escapeTruncated(oneLine(event.summary) || 'Untitled event', TITLE_MAX);
  const when = describeWhen(event.start, event.end, timeZone);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:calendar: Added to your Google Calendar: *${title}*\n${when.mrkdwn}`, verbatim: true } },
  ];
  if (/^https:\/\//.test(event.htmlLink) && event.htmlLink.length <= URL_MAX) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Google Calendar' }, url: event.htmlLink, action_id: OPEN_EVENT_ACTION_ID }],
    });
  }
  return { text: `Added to your Google Calendar: ${title}, ${escapeMrkdwn(when.plain)}`, blocks };
}

/** mrkdwn with date tokens, and plain words (in the event's zone) for notifications and old clients. */
export function describeWhen(start: EventTime, end: EventTime, timeZone: string): { mrkdwn: string; plain: string } {
  if ('date' in start && 'date' in end) {
    const first = parseDate(start.date);
    const afterLast = parseDate(end.date);
    if (!first || !afterLast) return { mrkdwn: 'All day', plain: 'all day' };
    const last = addDays(afterLast, -1);
    const day = (d: typeof first) => dateFormat(timeZone, { dateStyle: 'full', timeZone: 'UTC' }).format(Date.UTC(d.year, d.month - 1, d.day));
    const plain = last.year === first.year && last.month === first.month && last.day === first.day
      ? `${day(first)}, all day`
      : `${day(first)} to ${day(last)}, all day`;
    return { mrkdwn: escapeMrkdwn(plain), plain };
  }
  if (!('dateTime' in start) || !('dateTime' in end)) return { mrkdwn: 'Time unknown', plain: 'time unknown' };
  const long = dateFormat(timeZone, { dateStyle: 'full', timeStyle: 'short', timeZone });
  const time = dateFormat(timeZone, { timeStyle: 'short', timeZone });
  const sameDay = dateFormat(timeZone, { dateStyle: 'short', timeZone }).format(start.dateTime) === dateFormat(timeZone, { dateStyle: 'short', timeZone }).format(end.dateTime);
  const endPlain = sameDay ? time.format(end.dateTime) : long.format(end.dateTime);
  const plain = `${long.format(start.dateTime)} to ${endPlain} (${timeZone})`;
  const startToken = token(start.dateTime, '{date_long_pretty} at {time}', `${long.format(start.dateTime)} (${timeZone})`);
  const endToken = token(end.dateTime, sameDay ? '{time}' : '{date_long_pretty} at {time}', endPlain);
  return { mrkdwn: `${startToken} to ${endToken} (${length(start.dateTime, end.dateTime)})`, plain };
}

function token(at: Date, format: string, fallback: string): string {
  const safe = escapeMrkdwn(truncate(fallback, 200)).replace(/\|/g, '/');
  return `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${safe}>`;
}

function length(start: Date, end: Date): string {
  const minutes = Math.round((end.getTime() - start.getTime()) / MINUTE);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [hours ? `${hours} ${hours === 1 ? 'hour' : 'hours'}` : '', rest ? `${rest} ${rest === 1 ? 'minute' : 'minutes'}` : ''];
  return parts.filter(Boolean).join(' ') || '0 minutes';
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** en-GB reads the same everywhere ("Saturday 28 March 2026 at 15:00"); cached per zone and style. */
function dateFormat(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', options);
    } catch {
      format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
    }
    formats.set(key, format);
  }
  return format;
}
