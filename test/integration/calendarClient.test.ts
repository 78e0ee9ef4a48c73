/**
 * CalendarClient against the Calendar stand-in over real sockets: the request Google gets for timed
 * and all-day events, retries that honour Retry-After, the coded errors the actions branch on, and
 * that a retry after a lost answer finds the event instead of creating a second one. Waits between
 * retries are recorded instead of slept, except where a real timeout is the point.
 */
import type { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CalendarClient, type CalendarClientOptions } from '../../src/connectors/calendar/calendarClient.ts';
import { RateLimitedError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../src/core/errors.ts';
import { createUpstreamDispatcher } from '../../src/infrastructure/http/dispatcher.ts';
import { startCalendarStandin, type CalendarStandin } from '../standins/calendarStandin.ts';

const TOKEN = 'ya29.calendar-token';
const timedEvent = {
  summary: 'Design review',
  timeZone: 'Europe/Berlin',
  start: { dateTime: new Date('2026-03-30T13:00:00Z') },
  end: { dateTime: new Date('2026-03-30T13:30:00Z') },
};

let calendar: CalendarStandin;
let dispatcher: Agent;
let sleeps: number[];

function client(options: Partial<CalendarClientOptions> = {}): CalendarClient {
  return new CalendarClient({
    baseUrl: `${calendar.url}/`,
    dispatcher,
    retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 5_000 },
    requestTimeoutMs: 2_000,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  if (!(outcome instanceof Error)) throw new Error('expected the call to fail');
  return outcome;
}

beforeAll(async () => {
  calendar = await startCalendarStandin({ tokens: [TOKEN], email: 'pat@example.com' });
  dispatcher = createUpstreamDispatcher({ connectTimeoutMs: 1_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
});

afterAll(async () => {
  await dispatcher.close();
  await calendar.close();
});

beforeEach(() => {
  sleeps = [];
});

afterEach(() => {
  calendar.reset();
});

describe('CalendarClient against the Calendar stand-in', () => {
  it('creates a timed event with the wall clock, its offset and the zone', async () => {
    const event = await client().createEvent(TOKEN, { ...timedEvent, description: 'Bring the mocks' });

    expect(calendar.requests).toHaveLength(1);
    const [sent] = calendar.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/calendar/v3/calendars/primary/events' });
    expect(sent?.body).toMatchObject({
      summary: 'Design review',
      description: 'Bring the mocks',
      start: { dateTime: '2026-03-30T15:00:00+02:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-03-30T15:30:00+02:00', timeZone: 'Europe/Berlin' },
    });
    expect((sent?.body as { id: string }).id).toMatch(/^[a-v0-9]{26}$/);
    expect(event).toEqual({
      id: (sent?.body as { id: string }).id,
      htmlLink: expect.stringMatching(/^https:\/\/www\.google\.com\/calendar\/event\?eid=/),
      summary: 'Design review',
      start: { dateTime: new Date('2026-03-30T13:00:00Z') },
      end: { dateTime: new Date('2026-03-30T13:30:00Z') },
    });
  });

  it('creates an all-day event with dates, the end exclusive', async () => {
    const event = await client().createEvent(TOKEN, {
      summary: 'Offsite',
      timeZone: 'America/New_York',
      start: { date: '2026-12-03' },
      end: { date: '2026-12-05' },
    });
    expect(calendar.requests[0]?.body).toMatchObject({ start: { date: '2026-12-03' }, end: { date: '2026-12-05' } });
    expect(event.start).toEqual({ date: '2026-12-03' });
    expect(event.end).toEqual({ date: '2026-12-05' });
  });

  it('retries a 429 after the Retry-After it was given, then succeeds', async () => {
    calendar.failNext(1, { status: 429, retryAfterSeconds: 2 });
    await client().createEvent(TOKEN, timedEvent);
    expect(sleeps).toEqual([2_000]);
    expect(calendar.events).toHaveLength(1);
  });

  it('retries 5xx with backoff and reports Google Calendar unavailable when it keeps failing', async () => {
    calendar.failNext(3, { status: 503 });
    const error = await failure(client().createEvent(TOKEN, timedEvent));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).service).toBe('Google Calendar');
    expect(error.message).toMatch(/HTTP 503/);
    expect(sleeps).toEqual([50, 100]);
  });

  it('says rate limited, with the wait asked for, when 429s outlast the retries', async () => {
    calendar.failNext(3, { status: 429, retryAfterSeconds: 1 });
    const error = await failure(client().createEvent(TOKEN, timedEvent));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(1_000);
  });

  it('treats a 403 rateLimitExceeded like a 429', async () => {
    calendar.failNext(1, { status: 403, reason: 'rateLimitExceeded' });
    await client().createEvent(TOKEN, timedEvent);
    expect(calendar.requests).toHaveLength(2);
  });

  it('reports a refused token, and a token without the calendar scope, as unauthorized without retrying', async () => {
    expect(await failure(client().createEvent('ya29.unknown', timedEvent))).toBeInstanceOf(UpstreamUnauthorizedError);
    calendar.allowToken('ya29.read-only', { canWrite: false });
    expect(await failure(client().createEvent('ya29.read-only', timedEvent))).toBeInstanceOf(UpstreamUnauthorizedError);
    expect(calendar.requests).toHaveLength(2);
  });

  it('does not retry a request Google refuses as invalid', async () => {
    const error = await failure(client().createEvent(TOKEN, { ...timedEvent, end: timedEvent.start }));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.message).toMatch(/refused with HTTP 400 \(badRequest\)/);
    expect(calendar.requests).toHaveLength(1);
  });

  it('finds the event instead of creating a second one when the first answer was lost', async () => {
    calendar.failNext(1, { status: 503, afterCommit: true });
    const event = await client().createEvent(TOKEN, timedEvent);
    expect(calendar.events).toHaveLength(1);
    expect(event.id).toBe(calendar.events[0]?.id);
    expect(calendar.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'GET']);
  });

  it('gives up on an answer that never comes, per attempt, and says it timed out', async () => {
    calendar.hangNext(2);
    const error = await failure(client({ requestTimeoutMs: 300, retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 100 } }).createEvent(TOKEN, timedEvent));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.message).toMatch(/timed out/);
  });

  it('recovers when a slow first attempt times out and the retry is answered', async () => {
    calendar.hangNext(1);
    const event = await client({ requestTimeoutMs: 300 }).createEvent(TOKEN, timedEvent);
    expect(event.summary).toBe('Design review');
  });
});
