/**
 * Scheduled digests through the real bot (HTTP mode, stand-ins over real sockets) with a clock the
 * test moves: `/digest` sets, shows, changes, pauses and resumes; digests arrive at 9:00 in each
 * user's own zone, across daylight-saving changes, once; Gmail down means retries then a clear note;
 * an expired connection gets one prompt; a user who left gets nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction, sendEvent, sendSigned } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';

let h: Harness;
let clock = new Date('2026-11-30T12:00:00Z'); // a Monday
const PASS_LOG = 'digest pass done';

/** Sets the bot's clock and waits until the digest runner has made a full pass at that time. */
async function at(iso: string): Promise<void> {
  const passes = h.logs.nextLines(PASS_LOG, 2, 'the digest runner made no pass');
  clock = new Date(iso);
  // Two more passes: the first may have started before the clock moved.
  await passes;
}

/**
 * Steps the clock from now to `until` in `stepMinutes`, a full runner pass at each step; returns the
 * bot times at whose step a digest reached `watched`.
 */
async function walkTo(until: string, stepMinutes: number, watched?: string): Promise<string[]> {
  const end = new Date(until).getTime();
  const deliveredAt: string[] = [];
  while (clock.getTime() < end) {
    const before = watched ? digestsTo(watched).length : 0;
    await at(new Date(Math.min(clock.getTime() + stepMinutes * 60_000, end)).toISOString());
    if (watched) for (let i = before; i < digestsTo(watched).length; i++) deliveredAt.push(clock.toISOString());
  }
  return deliveredAt;
}

const dmsTo = (userId: string) =>
  h.slack.calls.filter((c): c is RecordedCall => c.method === 'chat.postMessage' && c.body.channel === `D${userId}`);
const textOf = (call: RecordedCall) => `${String(call.body.text)} ${JSON.stringify(call.body.blocks ?? [])}`;
const digestsTo = (userId: string) => dmsTo(userId).filter((c) => String(c.body.text).startsWith('Your scheduled digest'));
const answerText = async (sent: Parameters<Harness['answerOf']>[0]) => JSON.stringify((await h.answerOf(sent)).body);

/** An ACTIVE Gmail account whose token lasts past every time this test sets. */
function connect(userId: string): void {
  const token = `ya29.digest-${userId}`;
  h.scalekit.setAccount(h.config.gmail.connectionName, h.identifierOf(userId), { status: 'ACTIVE', accessToken: token, expiresAt: new Date('2030-01-01T00:00:00Z') });
  h.gmail.allowToken(token);
}

beforeAll(async () => {
  h = await startHarness({}, { now: () => clock, bot: { digestCheckMs: 5 } });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  h.slack.reset();
  h.gmail.reset();
  h.gmail.addMessage({ from: 'Boss <boss@example.com>', subject: 'Quarterly plan', date: new Date('2026-11-30T10:00:00Z'), snippet: 'see attached' });
});

describe('/digest', () => {
  it('sets a schedule in the user own zone, shows it, changes, pauses and resumes it', async () => {
    h.slack.setUser('U0SET', { tz: 'Europe/Berlin' });
    clock = new Date('2026-11-30T12:00:00Z');
    const set = await answerText(await h.command('/digest', 'U0SET', 'weekdays 9:00 3 from:boss'));
    expect(set).toContain('every weekday at 9:00');
    expect(set).toContain('3 newest unread emails matching “from:boss”');
    expect(set).toContain('Tue 1 Dec, 09:00 (Europe/Berlin)');

    expect(await answerText(await h.command('/digest', 'U0SET', ''))).toContain('Tue 1 Dec, 09:00 (Europe/Berlin)');
    const changed = await answerText(await h.command('/digest', 'U0SET', 'mondays 9'));
    expect(changed).toContain('Mondays at 9:00');
    expect(changed).toContain('Mon 7 Dec, 09:00 (Europe/Berlin)');
    expect(await answerText(await h.command('/digest', 'U0SET', 'pause'))).toContain('paused');
    connect('U0SET');
    await walkTo('2026-12-08T12:00:00Z', 12 * 60);
    expect(digestsTo('U0SET')).toEqual([]); // Monday 7th passed while paused
    clock = new Date('2026-11-30T12:00:00Z');
    expect(await answerText(await h.command('/digest', 'U0SET', ''))).toContain('/digest resume');
    expect(await answerText(await h.command('/digest', 'U0SET', 'resume'))).toContain('Mon 7 Dec, 09:00');
    expect(await answerText(await h.command('/digest', 'U0SET', 'off'))).toContain('off');
    expect(await answerText(await h.command('/digest', 'U0SET', ''))).toContain('no digest scheduled');
  });

  it('refuses words it cannot read, saying why, and keeps the schedule it had', async () => {
    h.slack.setUser('U0BAD', { tz: 'UTC' });
    await h.command('/digest', 'U0BAD', 'every day at 7').then(answerText);
    const refused = await answerText(await h.command('/digest', 'U0BAD', 'weekdays at teatime <!channel>'));
    expect(refused).toContain('teatime');
    expect(refused).not.toContain('<!channel>');
    expect(await answerText(await h.command('/digest', 'U0BAD', ''))).toContain('every day at 7:00');
    await h.command('/digest', 'U0BAD', 'off').then(answerText);
  });
});

describe('by mention', () => {
  it('sets the digest from plain words and then delivers it', async () => {
    connect('U0MENT');
    h.slack.setUser('U0MENT', { tz: 'America/New_York' });
    clock = new Date('2026-11-30T12:00:00Z');
    await sendEvent(
      `${h.botUrl}/slack/events`,
      SIGNING_SECRET,
      { type: 'app_mention', user: 'U0MENT', text: '<@U0BOT> send me my unread mail every morning at 9', channel: 'C0GENERAL', ts: '1.000' },
      { eventId: 'EvDigestMention1', teamId: TEAM },
    );
    const answer = await h.slack.waitFor((a: Arrival) => a.kind === 'call' && a.method === 'chat.postEphemeral' && a.body.user === 'U0MENT');
    // 12:00Z is 7:00 in New York: the first digest is today's.
    expect(JSON.stringify(answer.kind === 'call' ? answer.body : {})).toContain('Mon 30 Nov, 09:00 (America/New_York)');
    await walkTo('2026-11-30T15:00:00Z', 60);
    expect(digestsTo('U0MENT')).toHaveLength(1);
    await h.command('/digest', 'U0MENT', 'off').then(answerText);
  });
});

describe('delivery', () => {
  it('DMs the /unread summary at 9:00 in each user zone, once each', async () => {
    connect('U0BER');
    connect('U0NYC');
    h.slack.setUser('U0BER', { tz: 'Europe/Berlin' });
    h.slack.setUser('U0NYC', { tz: 'America/New_York' });
    clock = new Date('2026-11-30T12:00:00Z');
    await h.command('/digest', 'U0BER', 'weekdays 9:00 3 from:boss').then(answerText);
    await h.command('/digest', 'U0NYC', 'every day at 9am').then(answerText);

    await at('2026-12-01T07:59:00Z');
    expect(digestsTo('U0BER')).toEqual([]);
    await walkTo('2026-12-01T13:59:00Z', 30);
    expect(digestsTo('U0BER')).toHaveLength(1);
    expect(textOf(digestsTo('U0BER')[0] as RecordedCall)).toContain('Quarterly plan');
    const searches = h.gmail.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.query.get('q') ?? '');
    expect(searches).toHaveLength(1);
    expect(searches[0]).toContain('from:boss');
    expect(digestsTo('U0NYC')).toEqual([]);
    await walkTo('2026-12-01T16:00:00Z', 30);
    expect(digestsTo('U0NYC')).toHaveLength(1);
    expect(digestsTo('U0BER')).toHaveLength(1);
    await h.command('/digest', 'U0BER', 'off').then(answerText);
    await h.command('/digest', 'U0NYC', 'off').then(answerText);
  });

  it('waits out Slack\'s 429 Retry-After on the DM and delivers once', async () => {
    connect('U0SLOW');
    h.slack.setUser('U0SLOW', { tz: 'UTC' });
    clock = new Date('2026-12-01T12:00:00Z');
    await h.command('/digest', 'U0SLOW', 'every day at 9').then(answerText);
    h.slack.failNext('chat.postMessage', 1, { status: 429, retryAfterSeconds: 1 });
    await at('2026-12-02T09:00:00Z');
    await h.slack.waitFor((a: Arrival) => a.kind === 'call' && a.method === 'chat.postMessage' && a.body.channel === 'DU0SLOW' && a.status === 200, 10_000);
    await at('2026-12-02T09:30:00Z');
    const posts = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'DU0SLOW');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]!.at.getTime() - posts[0]!.at.getTime()).toBeGreaterThanOrEqual(900); // it waited for Retry-After
    await h.command('/digest', 'U0SLOW', 'off').then(answerText);
  });

  it('runs once on the spring-forward day and once on the fall-back day', async () => {
    connect('U0DST');
    h.slack.setUser('U0DST', { tz: 'America/New_York' });
    // Each walk starts a few hours before the day's slot (bot time), not a day: fewer runner passes.
    clock = new Date('2026-03-08T03:00:00Z');
    await h.command('/digest', 'U0DST', 'every day at 2:30').then(answerText);
    // 02:30 does not exist in New York on March 8th: delivered once, at 03:30 EDT (07:30Z).
    expect(await walkTo('2026-03-08T12:00:00Z', 20, 'U0DST')).toEqual(['2026-03-08T07:40:00.000Z']);

    clock = new Date('2026-11-01T00:00:00Z');
    await h.command('/digest', 'U0DST', 'every day at 1:30').then(answerText);
    // 01:30 happens twice on November 1st (05:30Z in EDT, 06:30Z in EST): delivered once, the first.
    expect(await walkTo('2026-11-01T12:00:00Z', 20, 'U0DST')).toEqual(['2026-11-01T05:40:00.000Z']);
    await h.command('/digest', 'U0DST', 'off').then(answerText);
  });

  it('retries while Gmail is down, then says the digest could not be delivered (never "no unread mail")', async () => {
    connect('U0DOWN');
    h.slack.setUser('U0DOWN', { tz: 'UTC' });
    clock = new Date('2026-12-02T06:00:00Z');
    await h.command('/digest', 'U0DOWN', 'every day at 9').then(answerText);
    h.gmail.failNext(10_000, { status: 503 });
    await walkTo('2026-12-02T10:30:00Z', 30);
    const reads = h.gmail.requests.length;
    expect(reads).toBeGreaterThan(3); // the first attempt and retries within the hour
    const dms = dmsTo('U0DOWN');
    expect(dms).toHaveLength(1);
    expect(String(dms[0]?.body.text)).toMatch(/couldn't deliver your digest for Wed 2 Dec, 09:00 \(UTC\)/);
    expect(textOf(dms[0] as RecordedCall)).not.toMatch(/no unread/i);
    await h.command('/digest', 'U0DOWN', 'off').then(answerText);
  });

  it('sends one reconnect prompt for an expired connection, not one per digest', async () => {
    h.slack.setUser('U0EXP', { tz: 'UTC' });
    h.scalekit.setAccount(h.config.gmail.connectionName, h.identifierOf('U0EXP'), { status: 'EXPIRED' });
    clock = new Date('2026-12-01T12:00:00Z');
    await h.command('/digest', 'U0EXP', 'every day at 9').then(answerText);
    await walkTo('2026-12-04T10:00:00Z', 180);
    const dms = dmsTo('U0EXP');
    expect(dms).toHaveLength(1);
    expect(String(dms[0]?.body.text)).toMatch(/reconnect Gmail/i);
    expect(digestsTo('U0EXP')).toEqual([]);

    connect('U0EXP'); // reconnected: digests resume
    await walkTo('2026-12-05T10:00:00Z', 180);
    expect(digestsTo('U0EXP')).toHaveLength(1);
    await h.command('/digest', 'U0EXP', 'off').then(answerText);
  });

  it('stops for a user who left the workspace', async () => {
    connect('U0GONE');
    h.slack.setUser('U0GONE', { tz: 'UTC' });
    clock = new Date('2026-12-01T12:00:00Z');
    await h.command('/digest', 'U0GONE', 'every day at 9').then(answerText);
    h.slack.setUser('U0GONE', { tz: 'UTC', deleted: true });
    await walkTo('2026-12-02T10:00:00Z', 60);
    expect(dmsTo('U0GONE')).toEqual([]);
    h.slack.setUser('U0GONE', { tz: 'UTC' });
    expect(await answerText(await h.command('/digest', 'U0GONE', ''))).toContain('no digest scheduled');
  });
});

describe('the App Home', () => {
  const published = (n: number) =>
    h.slack.waitFor((a: Arrival) => a.kind === 'call' && a.method === 'views.publish' && h.slack.calls.filter((c) => c.method === 'views.publish').length >= n)
      .then(() => JSON.stringify(h.slack.calls.filter((c) => c.method === 'views.publish')[n - 1]?.body.view));
  const press = (userId: string, actionId: string) =>
    sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId, userId, teamId: TEAM, value: 'x' });

  it('shows the schedule and the next delivery, and pauses and resumes it with its buttons', async () => {
    connect('U0HOMED');
    h.slack.setUser('U0HOMED', { tz: 'Asia/Tokyo' });
    clock = new Date('2026-11-30T12:00:00Z');
    await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'app_home_opened', user: 'U0HOMED', channel: 'DU0HOMED', tab: 'home', event_ts: '1' }, { eventId: 'EvDigestHome1', teamId: TEAM });
    expect(await published(1)).toContain('/digest weekdays 9:00');

    await h.command('/digest', 'U0HOMED', 'weekdays 9:00').then(answerText);
    const shown = await published(2); // the command refreshes the tab
    expect(shown).toContain('every weekday at 9:00');
    expect(shown).toContain('Tue 1 Dec, 09:00 (Asia/Tokyo)');
    expect(shown).toContain('home_digest:pause');

    await press('U0HOMED', 'home_digest:pause');
    const paused = await published(3);
    expect(paused).toContain('Paused');
    expect(paused).toContain('home_digest:resume');
    await walkTo('2026-12-02T12:00:00Z', 6 * 60);
    expect(digestsTo('U0HOMED')).toEqual([]);

    await press('U0HOMED', 'home_digest:resume');
    expect(await published(4)).toContain('Thu 3 Dec, 09:00 (Asia/Tokyo)');
    await walkTo('2026-12-03T01:00:00Z', 6 * 60);
    expect(digestsTo('U0HOMED')).toHaveLength(1);
  });
});

describe('the App Home Change modal', () => {
  /** The modal saved, as Slack sends a view_submission: `payload=<json>` in a form body. */
  function submit(userId: string, words: string) {
    const payload = {
      type: 'view_submission',
      team: { id: TEAM, domain: 'standin' },
      user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0APP',
      token: 'legacy-verification-token',
      trigger_id: `${Date.now()}.${Math.random()}`,
      view: {
        id: 'V0MODAL',
        type: 'modal',
        callback_id: 'digest_change',
        state: { values: { digest_words: { words: { type: 'plain_text_input', value: words } } } },
        hash: '1',
      },
    };
    return sendSigned(`${h.botUrl}/slack/events`, SIGNING_SECRET, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  }

  it('opens filled in with the schedule, refuses words it cannot read under the field, and saves the rest', async () => {
    connect('U0MODAL');
    h.slack.setUser('U0MODAL', { tz: 'Europe/Berlin' });
    clock = new Date('2026-11-30T12:00:00Z');
    await h.command('/digest', 'U0MODAL', 'weekdays 9:00 3 from:boss').then(answerText);
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'home_digest:change', userId: 'U0MODAL', teamId: TEAM, value: 'change' });
    const opened = await h.slack.waitFor((a: Arrival) => a.kind === 'call' && a.method === 'views.open');
    const view = JSON.stringify(opened.kind === 'call' ? opened.body.view : {});
    expect(view).toContain('"initial_value":"every weekday at 9:00 3 from:boss"');

    const refused = await submit('U0MODAL', 'weekdays at teatime');
    expect(JSON.parse(refused.body)).toMatchObject({ response_action: 'errors', errors: { digest_words: expect.stringContaining('teatime') } });
    expect(await answerText(await h.command('/digest', 'U0MODAL', ''))).toContain('every weekday at 9:00');

    const saved = await submit('U0MODAL', 'mondays 8:30 2');
    expect(saved.status).toBe(200);
    await h.slack.waitFor((a: Arrival) => a.kind === 'call' && a.method === 'views.publish' && JSON.stringify(a.body.view).includes('Mondays at 8:30'));
    expect(await answerText(await h.command('/digest', 'U0MODAL', ''))).toContain('Mon 7 Dec, 08:30 (Europe/Berlin)');
    await h.command('/digest', 'U0MODAL', 'off').then(answerText);
  });
});
