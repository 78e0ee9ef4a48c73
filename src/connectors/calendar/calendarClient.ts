/**
 * The Google Calendar connector: creates an event on the user's primary calendar. Same conventions as
 * the Gmail client (one shared dispatcher, a timeout per attempt, bounded retries with jitter that
 * honour Retry-After, coded errors). Creating is not idempotent by nature, so the client picks the
 * event id itself and reuses it on every retry: an attempt whose answer was lost leaves an event
 * that the next attempt finds (Google answers 409 for a taken id) instead of creating a second one.
 */
import { randomBytes } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { AppError, UpstreamUnavailableError } from '../../core/errors.ts';
import { formatZonedIso, isValidTimeZone } from '../../core/zonedTime.ts';
import { retry, type RetryPolicy } from '../../infrastructure/http/retry.ts';
import { failureFor, finalError, networkFailure, retryVerdict } from '../google/googleFailures.ts';
import type { CalendarApi, CalendarEvent, EventTime, NewCalendarEvent } from './types.ts';

export interface CalendarClientOptions {
  /** https://www.googleapis.com in production (CALENDAR_API_URL). */
  baseUrl: string;
  dispatcher?: Dispatcher;
  retry?: RetryPolicy;
  /** Per HTTP attempt, from sending the request to the end of the answer. */
  requestTimeoutMs?: number;
  /** For tests: waits between retries, the jitter source, and event ids. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  newEventId?: () => string;
}

export const DEFAULT_CALENDAR_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 4_000 };
const SERVICE = 'Google Calendar';
const EVENTS_PATH = '/calendar/v3/calendars/primary/events';
const EVENT_ID = /^[a-v0-9]{5,1024}$/;
const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

const timeSchema = z.object({ dateTime: z.string().optional(), date: z.string().optional() });
const eventSchema = z.object({
  id: z.string(),
  htmlLink: z.string(),
  summary: z.string().optional(),
  status: z.string().optional(),
  start: timeSchema,
  end: timeSchema,
});

interface Answer {
  status: number;
  text: string;
}

/** 26 base32hex characters (130 random bits): a valid Google event id. */
export function newEventId(): string {
  return [...randomBytes(26)].map((byte) => BASE32HEX[byte % 32]).join('');
}

export class CalendarClient implements CalendarApi {
  private readonly baseUrl: string;
  private readonly options: CalendarClientOptions;
  private readonly policy: RetryPolicy;
  private readonly requestTimeoutMs: number;

  constructor(options: CalendarClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.options = options;
    this.policy = options.retry ?? DEFAULT_CALENDAR_RETRY;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  async createEvent(accessToken: string, event: NewCalendarEvent): Promise<CalendarEvent> {
    const id = event.id ?? (this.options.newEventId ?? newEventId)();
    const body = JSON.stringify(requestBody(event, id));
    const answer = await this.withRetries(() =>
      this.send('creating the event', accessToken, 'POST', `${this.baseUrl}${EVENTS_PATH}`, body, [409]),
    );
    if (answer.status !== 409) return readEvent(answer.text, 'creating the event');
    // The id is taken: an earlier attempt of ours got through without us hearing the answer.
    const existing = await this.withRetries(() =>
      this.send('reading the created event', accessToken, 'GET', `${this.baseUrl}${EVENTS_PATH}/${encodeURIComponent(id)}`),
    );
    const found = parseEvent(existing.text, 'reading the created event');
    if (found.status === 'cancelled') throw new UpstreamUnavailableError(SERVICE, 'the event id belongs to a deleted event');
    return toEvent(found);
  }

  /** One HTTP exchange; a non-2xx answer not in `accepted`, or no answer at all, is thrown. */
  private async send(step: string, token: string, method: 'GET' | 'POST', url: string, body?: string, accepted: number[] = []): Promise<Answer> {
    let answer: Answer & { retryAfter: string | string[] | undefined };
    try {
      const response = await request(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        },
        body,
        dispatcher: this.options.dispatcher,
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      answer = { status: response.statusCode, text: await response.body.text(), retryAfter: response.headers['retry-after'] };
    } catch (error) {
      throw networkFailure(step, error);
    }
    if ((answer.status >= 200 && answer.status < 300) || accepted.includes(answer.status)) return answer;
    throw failureFor(SERVICE, step, answer.status, answer.retryAfter, answer.text);
  }

  private async withRetries<T>(operation: () => Promise<T>): Promise<T> {
    const { sleep, random } = this.options;
    try {
      return await retry(operation, { ...this.policy, shouldRetry: retryVerdict, sleep, random });
    } catch (error) {
      throw finalError(SERVICE, error);
    }
  }
}

/** Google's request body; timed events carry the wall clock with its offset, and the zone's name. */
export function requestBody(event: NewCalendarEvent, id: string): Record<string, unknown> {
  if (!EVENT_ID.test(id)) throw new AppError('INTERNAL', 'calendar event id is not base32hex');
  if (!isValidTimeZone(event.timeZone)) throw new AppError('INTERNAL', 'calendar event has an unknown time zone');
  if ('date' in event.start !== 'date' in event.end) throw new AppError('INTERNAL', 'calendar event mixes all-day and timed ends');
  const time = (value: EventTime) =>
    'date' in value ? { date: value.date } : { dateTime: formatZonedIso(value.dateTime, event.timeZone), timeZone: event.timeZone };
  return {
    id,
    summary: event.summary,
    ...(event.description ? { description: event.description } : {}),
    start: time(event.start),
    end: time(event.end),
  };
}

function parseEvent(text: string, step: string): z.infer<typeof eventSchema> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const parsed = eventSchema.safeParse(data);
  if (!parsed.success) throw new UpstreamUnavailableError(SERVICE, `${step} got an unreadable answer`);
  return parsed.data;
}

function readEvent(text: string, step: string): CalendarEvent {
  return toEvent(parseEvent(text, step));
}

function toEvent(raw: z.infer<typeof eventSchema>): CalendarEvent {
  const time = (value: z.infer<typeof timeSchema>): EventTime => {
    if (value.date !== undefined) return { date: value.date };
    const at = new Date(value.dateTime ?? '');
    if (Number.isNaN(at.getTime())) throw new UpstreamUnavailableError(SERVICE, 'the event came back without a readable time');
    return { dateTime: at };
  };
  return { id: raw.id, htmlLink: raw.htmlLink, summary: raw.summary ?? '', start: time(raw.start), end: time(raw.end) };
}
