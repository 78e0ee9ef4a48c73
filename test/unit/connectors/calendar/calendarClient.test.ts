/**
 * Narrow cases for CalendarClient that the stand-in does not produce (unreadable answers, an id that
 * belongs to a deleted event), and the request body's guards. The full behaviour is tested against
 * the stand-in in test/integration/calendarClient.test.ts.
 */
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CalendarClient, newEventId, requestBody } from '../../../../src/connectors/calendar/calendarClient.ts';
import { isScopeRefusal } from '../../../../src/connectors/google/googleFailures.ts';
import { AppError, UpstreamUnavailableError } from '../../../../src/core/errors.ts';

const BASE = 'https://calendar.test';
const EVENTS = '/calendar/v3/calendars/primary/events';
const event = {
  summary: 'x',
  timeZone: 'UTC',
  start: { dateTime: new Date('2026-05-01T10:00:00Z') },
  end: { dateTime: new Date('2026-05-01T10:30:00Z') },
};

let agent: MockAgent;
let client: CalendarClient;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  client = new CalendarClient({ baseUrl: BASE, dispatcher: agent, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }, newEventId: () => 'abcde12345' });
});

afterEach(async () => {
  await agent.close();
});

describe('CalendarClient over a mocked dispatcher', () => {
  it('calls an answer it cannot read unavailable, quoting nothing of it', async () => {
    agent.get(BASE).intercept({ path: EVENTS, method: 'POST' }).reply(200, '<html>secret</html>');
    const error = await client.createEvent('t', event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as Error).message).toBe('Google Calendar: creating the event got an unreadable answer');
  });

  it('refuses to hand back a deleted event found under its id', async () => {
    agent.get(BASE).intercept({ path: EVENTS, method: 'POST' }).reply(409, { error: { code: 409, errors: [{ reason: 'duplicate' }] } });
    agent
      .get(BASE)
      .intercept({ path: `${EVENTS}/abcde12345`, method: 'GET' })
      .reply(200, { id: 'abcde12345', htmlLink: 'https://www.google.com/calendar/event?eid=x', status: 'cancelled', start: { date: '2026-05-01' }, end: { date: '2026-05-02' } });
    await expect(client.createEvent('t', event)).rejects.toThrow(/deleted event/);
  });
});

describe('requestBody', () => {
  it('refuses mixed all-day and timed ends, unknown zones and ids Google would refuse', () => {
    expect(() => requestBody({ ...event, end: { date: '2026-05-02' } }, 'abcde')).toThrow(AppError);
    expect(() => requestBody({ ...event, timeZone: 'Mars/Base' }, 'abcde')).toThrow(/time zone/);
    expect(() => requestBody(event, 'ABC_!')).toThrow(/base32hex/);
  });

  it('leaves out an empty description', () => {
    expect(requestBody({ ...event, description: '' }, 'abcde')).not.toHaveProperty('description');
  });

  it('makes valid, distinct event ids', () => {
    const ids = new Set(Array.from({ length: 100 }, newEventId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[a-v0-9]{26}$/);
  });
});

describe('isScopeRefusal', () => {
  it('spots a 403 for a missing scope, and nothing else', () => {
    const body = (reason: string) => JSON.stringify({ error: { code: 403, errors: [{ reason }], status: 'PERMISSION_DENIED' } });
    expect(isScopeRefusal(403, body('insufficientPermissions'))).toBe(true);
    expect(isScopeRefusal(403, '{"error":{"details":[{"reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}')).toBe(true);
    expect(isScopeRefusal(403, body('rateLimitExceeded'))).toBe(false);
    expect(isScopeRefusal(401, body('insufficientPermissions'))).toBe(false);
  });
});
