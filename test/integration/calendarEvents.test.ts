/**
 * Calendar events through the real bot: `/event` and `@bot create a calendar event …`, read in the
 * user's Slack time zone, created on their own Google Calendar (its own connection and prompt), and
 * confirmed privately with a link; unreadable dates get the usage.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendEvent } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';

let h: Harness;
let events = 0;
const isCall = (method: string, match: (c: RecordedCall) => boolean = () => true) =>
  (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method && match(a);
const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);

function mention(text: string, user: string) {
  return sendEvent(
    `${h.botUrl}/slack/events`,
    SIGNING_SECRET,
    { type: 'app_mention', user, text, channel: 'C0GENERAL', ts: `${Date.now() / 1000}` },
    { eventId: `EvCal${++events}`, teamId: TEAM },
  );
}

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.calendar.reset();
});

describe('/event', () => {
  it('creates the event in the user\'s Slack time zone and confirms it with a link', async () => {
    h.activateCalendar('U0CAL');
    h.slack.setUser('U0CAL', { tz: 'America/New_York' });
    const sent = await h.command('/event', 'U0CAL', 'tomorrow 3pm for an hour called Design review');
    expect(sent.status).toBe(200);
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    const event = h.calendar.events[0];
    expect(event).toMatchObject({ summary: 'Design review', start: { timeZone: 'America/New_York' } });
    expect(event?.start.dateTime).toMatch(/T15:00:00-0[45]:00$/);
    expect(event?.end.dateTime).toMatch(/T16:00:00-0[45]:00$/);
    expect(JSON.stringify(answer.body)).toContain('Design review');
    expect(JSON.stringify(answer.body)).toContain(event?.htmlLink);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
  });

  it('creates the event in UTC for a user Slack has no time zone for', async () => {
    h.activateCalendar('U0NOTZ');
    h.slack.setUser('U0NOTZ', { tz: null });
    const sent = await h.command('/event', 'U0NOTZ', 'tomorrow 3pm for an hour called Zone-less sync');
    expect(sent.status).toBe(200);
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    const event = h.calendar.events[0];
    expect(event).toMatchObject({ summary: 'Zone-less sync', start: { timeZone: 'UTC' } });
    expect(event?.start.dateTime).toMatch(/T15:00:00(Z|\+00:00)$/);
    expect(JSON.stringify(answer.body)).toContain('Zone-less sync');
    expect(JSON.stringify(answer.body)).not.toMatch(/something went wrong on my side/i);
  });

  it('makes an event without a time all day', async () => {
    h.activateCalendar('U0CAL');
    const sent = await h.command('/event', 'U0CAL', 'dec 3: Offsite');
    await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(h.calendar.events[0]?.start.date).toMatch(/-12-03$/);
  });

  it('answers a date it cannot read with the usage, and creates nothing', async () => {
    h.activateCalendar('U0CAL');
    const sent = await h.command('/event', 'U0CAL', 'Design review on the thirtyfifth of never');
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(JSON.stringify(answer.body)).toMatch(/Usage/);
    expect(h.calendar.events).toEqual([]);
  });

  it('answers an empty /event with the usage at once', async () => {
    const sent = await h.command('/event', 'U0CAL', '');
    expect(sent.body).toMatch(/Usage/);
  });

  it('asks a user without a Calendar connection to connect it, then creates the kept event', async () => {
    const user = 'U0NEWCAL';
    const sent = await h.command('/event', user, 'friday 10am called Team sync');
    const dm = await h.slack.waitFor(isCall('chat.postMessage', (c) => JSON.stringify(c.body).includes('/connect/')));
    expect(JSON.stringify(dm.body)).toContain('Google Calendar');
    await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(h.scalekit.getAccount(h.config.calendar.connectionName, h.identifierOf(user))?.status).toBe('PENDING_AUTH');
    const page = await h.connect(authorizationLinkIn(dm));
    expect(page.status).toBe(200);
    const confirmation = await h.slack.waitFor(isCall('chat.postMessage', (c) => JSON.stringify(c.body).includes('Added to your Google Calendar')));
    expect(confirmation.body).toMatchObject({ channel: `D${user}` });
    expect(h.calendar.events.map((e) => e.summary)).toEqual(['Team sync']);
  });
});

describe('event mentions', () => {
  it('creates "a calendar event for tomorrow at 3pm called Design review"', async () => {
    h.activateCalendar('U0TOKYO');
    h.slack.setUser('U0TOKYO', { tz: 'Asia/Tokyo' });
    await mention('<@U0BOT> create a calendar event for tomorrow at 3pm called Design review', 'U0TOKYO');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(JSON.stringify(answer.body)).toContain('Design review');
    expect(h.calendar.events[0]?.start.dateTime).toMatch(/T15:00:00\+09:00$/);
    expect(h.calendar.events[0]?.end.dateTime).toMatch(/T15:30:00\+09:00$/);
  });

  it('says what is missing from an event it cannot read', async () => {
    await mention('<@U0BOT> schedule a meeting sometime', 'U0CAL');
    const answer = await h.slack.waitFor(isCall('chat.postEphemeral'));
    expect(JSON.stringify(answer.body)).toMatch(/Usage/);
    expect(h.calendar.events).toEqual([]);
  });
});
