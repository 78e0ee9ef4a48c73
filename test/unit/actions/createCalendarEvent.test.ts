import { describe, expect, it } from 'vitest';
import {
  CreateCalendarEvent,
  createEventInputSchema,
  eventInputFrom,
  resolveEventRequest,
} from '../../../src/actions/createCalendarEvent.ts';
import type { AccessToken, AccountRef, AgentAuth } from '../../../src/agentAuth/port.ts';
import type { CalendarApi, NewCalendarEvent } from '../../../src/connectors/calendar/types.ts';
import { NeedsAuthorizationError, UpstreamUnauthorizedError } from '../../../src/core/errors.ts';

const BERLIN = { now: new Date('2026-03-27T09:00:00Z'), timeZone: 'Europe/Berlin' };

function fakeAuth(tokens: string[]): AgentAuth & { refs: AccountRef[] } {
  const refs: AccountRef[] = [];
  return {
    refs,
    ensureAccount: async () => 'ACTIVE',
    status: async () => 'ACTIVE',
    getAccessToken: async (ref): Promise<AccessToken> => {
      refs.push(ref);
      const value = tokens.shift();
      if (!value) throw new NeedsAuthorizationError(ref.connection);
      return { value, expiresAt: undefined };
    },
    invalidateToken: () => {},
    createAuthorizationLink: async () => ({ url: 'https://auth.example', expiresAt: undefined }),
    completeAuthorization: async () => ({ status: 'ACTIVE' }),
    disconnect: async () => {},
  };
}

function recordingCalendar(refuse: string[] = []): CalendarApi & { calls: Array<[string, NewCalendarEvent]> } {
  const calls: Array<[string, NewCalendarEvent]> = [];
  return {
    calls,
    async createEvent(token, event) {
      calls.push([token, event]);
      if (refuse.includes(token)) throw new UpstreamUnauthorizedError('Google Calendar');
      return { id: 'e1', htmlLink: 'https://www.google.com/calendar/event?eid=x', summary: event.summary, start: event.start, end: event.end };
    },
  };
}

describe('resolveEventRequest', () => {
  it('reads the words into exact instants that survive being stored as JSON', () => {
    const resolved = resolveEventRequest({ title: ' Design review ', when: 'tomorrow at 3pm' }, BERLIN);
    expect(resolved).toEqual({
      ok: true,
      input: { title: 'Design review', timeZone: 'Europe/Berlin', when: { kind: 'timed', start: '2026-03-28T14:00:00.000Z', end: '2026-03-28T14:30:00.000Z' } },
    });
    if (resolved.ok) expect(createEventInputSchema.parse(JSON.parse(JSON.stringify(resolved.input)))).toEqual(resolved.input);
  });

  it('passes on what the when parser could not read, and refuses a request without a title', () => {
    expect(resolveEventRequest({ title: 'x', when: 'yesterday' }, BERLIN)).toMatchObject({ ok: false, problem: expect.stringContaining('yesterday') });
    expect(resolveEventRequest({ when: 'tomorrow' }, BERLIN)).toMatchObject({ ok: false, problem: expect.stringContaining('title') });
  });
});

describe('createEventInputSchema', () => {
  it('refuses an event that ends before it starts, and an unknown zone', () => {
    const base = { title: 'x', timeZone: 'UTC', when: { kind: 'allDay', date: '2026-05-02', endDate: '2026-05-02' } };
    expect(createEventInputSchema.safeParse(base).success).toBe(false);
    expect(createEventInputSchema.safeParse({ ...base, when: { kind: 'allDay', date: '2026-05-02', endDate: '2026-05-03' }, timeZone: 'Mars/Base' }).success).toBe(false);
  });
});

describe('CreateCalendarEvent', () => {
  it('creates the event through the Calendar connection with the user\'s token', async () => {
    const auth = fakeAuth(['tok']);
    const calendar = recordingCalendar();
    const action = new CreateCalendarEvent({ agentAuth: auth, calendar, connection: 'google-calendar' });
    const input = eventInputFrom({ title: 'Offsite', when: { kind: 'allDay', date: '2026-12-03', endDate: '2026-12-05' }, timeZone: 'Europe/Berlin', description: '' });
    const event = await action.run('slack:T:T1:U1', input);
    expect(auth.refs).toEqual([{ connection: 'google-calendar', identifier: 'slack:T:T1:U1' }]);
    expect(calendar.calls).toEqual([['tok', { summary: 'Offsite', description: undefined, timeZone: 'Europe/Berlin', start: { date: '2026-12-03' }, end: { date: '2026-12-05' } }]]);
    expect(event.id).toBe('e1');
  });

  it('retries once with a fresh token, then asks for authorization', async () => {
    const input = eventInputFrom({ title: 'x', when: { kind: 'timed', start: new Date('2026-05-01T10:00:00Z'), end: new Date('2026-05-01T10:30:00Z') }, timeZone: 'UTC' });
    const refreshed = new CreateCalendarEvent({ agentAuth: fakeAuth(['old', 'new']), calendar: recordingCalendar(['old']), connection: 'c' });
    expect((await refreshed.run('id', input)).start).toEqual({ dateTime: new Date('2026-05-01T10:00:00Z') });
    const revoked = new CreateCalendarEvent({ agentAuth: fakeAuth(['a', 'b']), calendar: recordingCalendar(['a', 'b']), connection: 'c' });
    await expect(revoked.run('id', input)).rejects.toBeInstanceOf(NeedsAuthorizationError);
  });
});
