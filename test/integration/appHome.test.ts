/**
 * The App Home through the real bot: opening it publishes each connector's status for that user
 * (without creating accounts) and the team-alert channel; Connect DMs a link; Disconnect gives the
 * grant up and publishes the tab again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction, sendEvent } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';

let h: Harness;
let events = 0;
const isCall = (method: string, match: (c: RecordedCall) => boolean = () => true) => (a: Arrival): a is RecordedCall =>
  a.kind === 'call' && a.method === method && match(a);
const viewText = (call: RecordedCall) => JSON.stringify(call.body.view);

function openHome(user: string) {
  return sendEvent(
    `${h.botUrl}/slack/events`,
    SIGNING_SECRET,
    { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: `${Date.now() / 1000}` },
    { eventId: `EvHome${++events}`, teamId: TEAM },
  );
}

function press(user: string, actionId: string) {
  return sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId, userId: user, teamId: TEAM, value: 'x' });
}

beforeAll(async () => {
  h = await startHarness({ TEAM_ALERT_CHANNEL: 'C0ALERTS' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
});

describe('the App Home', () => {
  it('shows each connector\'s status and the team-alert channel', async () => {
    h.activate('U0HOME');
    await openHome('U0HOME');
    const published = await h.slack.waitFor(isCall('views.publish'));
    expect(published.body.user_id).toBe('U0HOME');
    const view = viewText(published);
    expect(view).toMatch(/\*Gmail\*\s+:large_green_circle: Connected/);
    expect(view).toMatch(/\*Google Calendar\*\s+:white_circle: Not connected/);
    expect(view).toContain('home_disconnect:gmail');
    expect(view).toContain(`home_connect:${h.config.calendar.connectionName}`);
    expect(view).toContain('<#C0ALERTS>');
  });

  it('creates no accounts just to look', async () => {
    await openHome('U0LOOK');
    await h.slack.waitFor(isCall('views.publish'));
    expect(h.scalekit.getAccount('gmail', h.identifierOf('U0LOOK'))).toBeUndefined();
    expect(h.scalekit.getAccount(h.config.calendar.connectionName, h.identifierOf('U0LOOK'))).toBeUndefined();
  });

  it('DMs a link on Connect, and shows the new status once connected', async () => {
    await press('U0HOME', `home_connect:${h.config.calendar.connectionName}`);
    const dm = await h.slack.waitFor(isCall('chat.postMessage', (c) => c.body.channel === 'DU0HOME'));
    expect(JSON.stringify(dm.body)).toContain('/connect/');
    expect(JSON.stringify(dm.body)).toContain('Google Calendar');
    const page = await h.connect(authorizationLinkIn(dm));
    expect(page.status).toBe(200);
    const published = await h.slack.waitFor(isCall('views.publish'));
    expect(viewText(published)).toMatch(/\*Google Calendar\*\s+:large_green_circle: Connected/);
  });

  it('disconnects and publishes the tab again', async () => {
    h.activate('U0BYE');
    await press('U0BYE', 'home_disconnect:gmail');
    const published = await h.slack.waitFor(isCall('views.publish'));
    expect(viewText(published)).toMatch(/\*Gmail\*\s+:white_circle: Not connected/);
    expect(h.scalekit.getAccount('gmail', h.identifierOf('U0BYE'))?.status ?? 'gone').not.toBe('ACTIVE');
  });

  it('ignores buttons for connectors it does not know', async () => {
    await press('U0HOME', 'home_connect:dropbox');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });
});
