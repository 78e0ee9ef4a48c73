/**
 * Google Calendar with the built-in agent-auth backend (AGENT_AUTH=local), through the real bot:
 * `/event` from a user who has not connected Calendar DMs a link; consent at the OAuth provider
 * (oauth2-mock-server) for the calendar scope creates the event at the Calendar stand-in and answers
 * in the DM; Disconnect in the App Home revokes the grant at the provider and shows Calendar as not
 * connected, so the next `/event` asks for a link again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';
import { isCall, isDmTo } from '../helpers/localFlows.ts';
import { commandAnswer, sendBlockAction } from '../helpers/slackRequests.ts';

const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
let h: LocalHarness;

beforeAll(async () => {
  h = await startLocalHarness({ AGENT_AUTH: 'local' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.calendar.reset();
  h.provider.reset();
});

describe('/event with the built-in backend', () => {
  const user = 'U0LCAL';
  const connection = () => h.config.calendar.connectionName;

  it('DMs a link, creates the event once the user consents, and answers in the DM', async () => {
    h.slack.setUser(user, { tz: 'Europe/Berlin' });
    const sent = await h.command('/event', user, 'tomorrow 3pm for an hour called Planning');
    expect(sent.status).toBe(200);
    const dm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect(String(dm.body.text)).toBe('Please connect Google Calendar so I can add events to your calendar.');
    const notice = await commandAnswer(h.slack, sent);
    expect(JSON.stringify(notice.body)).toMatch(/direct message with a link to connect Google Calendar/);
    expect(h.calendar.events).toEqual([]);

    const trail = await h.connect(authorizationLinkIn(dm));
    expect(trail.status).toBe(200);
    expect(new URL(trail.authorizeUrl!).searchParams.get('scope')?.split(' ')).toContain(CALENDAR_SCOPE);
    const answer = await h.slack.waitFor(isDmTo(user, (text) => text.includes('Planning') && !text.includes('/connect/') && !text.startsWith('Connected')));
    expect(h.calendar.events).toHaveLength(1);
    const event = h.calendar.events[0]!;
    expect(event).toMatchObject({ summary: 'Planning', start: { timeZone: 'Europe/Berlin' } });
    expect(event.start.dateTime).toMatch(/T15:00:00\+0[12]:00$/);
    expect(JSON.stringify(answer.body)).toContain(event.htmlLink);
    // The Calendar stand-in saw the provider's token, as Google would.
    expect(h.calendar.requests.some((r) => r.method === 'POST')).toBe(true);
  });

  it('disconnects from the App Home: the grant is revoked and Calendar shows as not connected', async () => {
    const issued = [...h.provider.issued];
    expect(issued.length).toBeGreaterThan(0);
    const clicked = await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
      actionId: `home_disconnect:${connection()}`,
      userId: user,
      teamId: TEAM,
      value: connection(),
    });
    expect(clicked.status).toBe(200);
    const published = await h.slack.waitFor(isCall('views.publish', (c) => c.body.user_id === user));
    expect(JSON.stringify(published.body.view)).toMatch(/\*Google Calendar\*\s+:white_circle: Not connected/);
    await expect.poll(() => h.provider.revocations).toHaveLength(1);
    expect(issued).toContain(h.provider.revocations[0]);

    // Not connected any more: the next /event asks for a link again and creates nothing.
    h.slack.reset();
    await h.command('/event', user, 'tomorrow 4pm called After disconnect');
    await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect(h.calendar.events).toEqual([]);
  });
});
