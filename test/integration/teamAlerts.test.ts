/**
 * Team alerts through the real bot: `/alert`, `/alert-channel` and "send an alert to my team: …",
 * stored first and posted by the delivery loop, with the sender told privately how it went.
 * Covers who may raise and who may @channel, escaping, an unknown channel, a channel the bot is not
 * in, a Slack 429 during delivery, Slack failing until the alert is given up on (the sender told once),
 * and an alert left in the outbox by a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../src/infrastructure/storage/migrations.ts';
import { SqlAlertOutbox } from '../../src/infrastructure/storage/sqlAlertOutbox.ts';
import { CHANNEL_MISS_TTL_MS } from '../../src/slack/alerts/slackDirectory.ts';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendEvent } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';

let h: Harness;
// The bot's clock runs ahead by this much: each test moves it past the channel lookups' caching of
// misses, so a channel added by a test is seen, as it would be a minute later in a real workspace.
let clockAheadMs = 0;
const isCall = (method: string, match: (c: RecordedCall) => boolean = () => true) =>
  (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method && match(a);
const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);
const postedIn = (channel: string) => isCall('chat.postMessage', (c) => c.body.channel === channel && c.status === 200 && (c.answer as { ok?: boolean }).ok === true);
const dmTo = (user: string, pattern: RegExp) => isCall('chat.postMessage', (c) => c.body.channel === `D${user}` && pattern.test(JSON.stringify(c.body)));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The bot's alert delivery pass runs this often here (2 s in production), so waiting out a few passes is quick. */
const DELIVERY_MS = 200;

beforeAll(async () => {
  h = await startHarness({
    TEAM_ALERT_CHANNEL: 'C0ALERTS',
    ALERT_ALLOWED: 'U0OPS,U0BOSS,U0ADMIN,U0LEAD',
    ALERT_CHANNEL_MENTION_ALLOWED: 'U0BOSS',
    ALERT_CHANNEL_CONFIGURERS: 'S0LEADS',
    ALERT_RATE_BURST: '100',
  }, { now: () => new Date(Date.now() + clockAheadMs), bot: { alertDeliveryMs: DELIVERY_MS } });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  // The previous test's delivery finishes first: moved past its claim's lease, a post still in
  // flight would be claimed and posted again by the next pass (every DELIVERY_MS here).
  await h.settle();
  clockAheadMs += CHANNEL_MISS_TTL_MS + 1_000;
});

describe('/alert', () => {
  it('posts to the team channel and DMs the sender a link to it', async () => {
    const sent = await h.command('/alert', 'U0OPS', 'critical deploy failed on prod');
    expect(sent.status).toBe(200);
    const note = await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(JSON.stringify(note.body)).toContain('<#C0ALERTS>');
    const posted = await h.slack.waitFor(postedIn('C0ALERTS'));
    expect(JSON.stringify(posted.body.blocks)).toContain('deploy failed on prod');
    expect(JSON.stringify(posted.body.blocks)).toContain('Critical alert');
    expect(JSON.stringify(posted.body.blocks)).toContain('<@U0OPS>');
    const dm = await h.slack.waitFor(dmTo('U0OPS', /is posted/), 5_000);
    expect(JSON.stringify(dm.body)).toContain('https://standin.slack.com/archives/C0ALERTS/p');
  });

  it('never lets the text ping the channel', async () => {
    await h.command('/alert', 'U0OPS', 'db down <!channel> tell <!here> and @here @everyone <https://evil.example|click>', { raw: true });
    const posted = await h.slack.waitFor(postedIn('C0ALERTS'));
    const body = JSON.stringify(posted.body);
    expect(body).not.toMatch(/<!(channel|here|everyone)/);
    expect(body).not.toContain('<https://evil');
    expect(String(posted.body.text)).not.toMatch(/(^|\s)@(here|everyone|channel)\b/);
    const sections = (posted.body.blocks as Array<{ type: string; text?: { verbatim?: boolean } }>).filter((b) => b.type === 'section');
    for (const section of sections) expect(section.text?.verbatim).toBe(true);
  });

  it('adds @channel for an allowed sender who asks for it', async () => {
    await h.command('/alert', 'U0BOSS', '@channel all hands in 5');
    const posted = await h.slack.waitFor(postedIn('C0ALERTS'));
    expect(String(posted.body.text).startsWith('<!channel>')).toBe(true);
  });

  it('refuses @channel from a sender not allowed it, and posts nothing', async () => {
    const sent = await h.command('/alert', 'U0OPS', '@channel all hands in 5');
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(JSON.stringify(answer.body)).toMatch(/not allowed to notify the whole channel/);
    await wait(3 * DELIVERY_MS);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ALERTS')).toEqual([]);
  });

  it('refuses someone not allowed to raise alerts, and stores nothing', async () => {
    const sent = await h.command('/alert', 'U0NOPE', 'deploy failed');
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(JSON.stringify(answer.body)).toMatch(/not among the people who can raise team alerts/);
    await wait(3 * DELIVERY_MS);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ALERTS')).toEqual([]);
  });

  it('says so when the named channel does not exist', async () => {
    h.slack.addChannel({ id: 'C0OPS', name: 'ops' });
    const sent = await h.command('/alert', 'U0OPS', '#nosuch deploy failed');
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(JSON.stringify(answer.body)).toContain("couldn't find a channel called #nosuch");
  });

  it('posts in a channel named by #name', async () => {
    h.slack.addChannel({ id: 'C0OPS', name: 'ops' });
    await h.command('/alert', 'U0OPS', '#ops info backup done');
    await h.slack.waitFor(postedIn('C0OPS'));
  });

  it('finds a channel that conversations.list gives on its second page', async () => {
    h.slack.setPageSize(2);
    for (const name of ['aa', 'bb', 'cc']) h.slack.addChannel({ id: `C0${name.toUpperCase()}`, name });
    h.slack.addChannel({ id: 'C0PAGE2', name: 'page-two' });
    await h.command('/alert', 'U0OPS', '#page-two info found on page two');
    await h.slack.waitFor(postedIn('C0PAGE2'));
    const cursors = h.slack.calls.filter((c) => c.method === 'conversations.list').map((c) => Boolean(c.body.cursor));
    expect(cursors).toEqual([false, true]);
  });

  it('tells the sender when the team channel is archived, and posts nothing', async () => {
    h.slack.addChannel({ id: 'C0ALERTS', name: 'alerts', archived: true });
    await h.command('/alert', 'U0OPS', 'archive drill');
    const dm = await h.slack.waitFor(dmTo('U0OPS', /is archived, so your alert was not posted/));
    expect(JSON.stringify(dm.body)).toContain('<#C0ALERTS>');
    const attempts = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ALERTS');
    // Refused once as permanent: not retried, and never delivered.
    expect(attempts.map((c) => (c.answer as { error?: string }).error)).toEqual(['is_archived']);
  });

  it('tells the sender how to invite the bot into a channel it is not in', async () => {
    h.slack.addChannel({ id: 'C0SECRET', name: 'secret', member: false });
    await h.command('/alert', 'U0OPS', '#secret deploy failed');
    const dm = await h.slack.waitFor(dmTo('U0OPS', /not in/));
    expect(JSON.stringify(dm.body)).toContain('/invite @bot');
  });

  it('retries after a Slack 429 with Retry-After, then posts', async () => {
    h.slack.failNext('chat.postMessage', 1, { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await h.command('/alert', 'U0OPS', 'disk almost full');
    const posted = await h.slack.waitFor(postedIn('C0ALERTS'), 10_000);
    expect(posted.at.getTime() - started).toBeGreaterThanOrEqual(1_000);
    const attempts = h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ALERTS');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    await h.slack.waitFor(dmTo('U0OPS', /is posted/), 5_000);
  });

  it('tells the sender once, when Slack fails until the last attempt, that the alert was not posted', async () => {
    // chat.postMessage to the team channel answers 503 every time, however often the bot retries.
    h.slack.addChannel({ id: 'C0ALERTS', name: 'alerts', postFailure: { status: 503 } });
    await h.command('/alert', 'U0OPS', 'outage drill');
    await h.slack.waitFor(dmTo('U0OPS', /isn't taking messages right now/), 10_000);
    // Hours pass on the bot's clock: the next attempt is past the give-up time, so it is the last.
    clockAheadMs += 6 * 60 * 60_000 + 60_000;
    const told = await h.slack.waitFor(dmTo('U0OPS', /kept failing for hours, so your alert for <#C0ALERTS> was not posted/), 15_000);
    expect(JSON.stringify(told.body)).toContain('Please send it again');
    const attempts = () => h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ALERTS');
    const made = attempts().length;
    expect(made).toBeGreaterThanOrEqual(2);
    expect(attempts().every((c) => c.status === 503)).toBe(true);
    // Given up: no further attempts and no second message, across later delivery passes.
    await wait(5 * DELIVERY_MS);
    expect(attempts()).toHaveLength(made);
    expect(h.slack.calls.filter((c) => dmTo('U0OPS', /was not posted/)(c))).toHaveLength(1);
  });

  it('answers an empty /alert with the usage', async () => {
    const sent = await h.command('/alert', 'U0OPS', '');
    expect(sent.body).toContain('Usage');
  });
});

describe('alert mentions', () => {
  it('refuses an alert from someone over the rate limit', async () => {
    // The burst is 100 here; a fresh bot with a burst of 1 shows the refusal.
    const strict = await startHarness({ TEAM_ALERT_CHANNEL: 'C0ALERTS', ALERT_RATE_BURST: '1', ALERT_RATE_REFILL_SECONDS: '600' });
    try {
      await strict.command('/alert', 'U0OPS', 'first');
      const second = await strict.command('/alert', 'U0OPS', 'second');
      const answer = await strict.slack.waitFor(isResponse(second.responseUrl));
      expect(JSON.stringify(answer.body)).toMatch(/several alerts in a short time/);
    } finally {
      await strict.close();
    }
  });

  it('posts "send an alert to my team: deploy failed"', async () => {
    await sendEvent(
      `${h.botUrl}/slack/events`,
      SIGNING_SECRET,
      { type: 'app_mention', user: 'U0OPS', text: '<@U0BOT> send an alert to my team: deploy failed', channel: 'C0GENERAL', ts: `${Date.now() / 1000}` },
      { eventId: 'EvAlert1', teamId: TEAM },
    );
    const posted = await h.slack.waitFor(postedIn('C0ALERTS'));
    expect(JSON.stringify(posted.body.blocks)).toContain('deploy failed');
  });
});

describe('/alert to a private channel', () => {
  const MANY = Array.from({ length: 2_100 }, (_, i) => `U0MEMBER${i}`);
  const membersCalls = () => h.slack.calls.filter((c) => c.method === 'conversations.members');
  const answerTo = async (text: string) => {
    const sent = await h.command('/alert', 'U0OPS', text);
    return JSON.stringify((await h.slack.waitFor(isResponse(sent.responseUrl))).body);
  };

  it('refuses a sender who is not a member, with the same answer as for a channel that does not exist', async () => {
    h.slack.addChannel({ id: 'G0EXEC', name: 'exec-private', isPrivate: true });
    h.slack.setChannelMembers('G0EXEC', MANY);
    const refused = await answerTo('#exec-private board meeting moved');
    const missing = await answerTo('#exec-nosuch board meeting moved');
    expect(refused).toContain("couldn't find a channel called #exec-private");
    expect(refused.replaceAll('exec-private', 'NAME')).toBe(missing.replaceAll('exec-nosuch', 'NAME'));
    // Every page of members was read (three at 1,000 a page) before refusing.
    expect(membersCalls().map((c) => c.body.cursor !== undefined)).toEqual([false, true, true]);
    await wait(500);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'G0EXEC')).toEqual([]);
  });

  it('posts for a member, found on the last page of members', async () => {
    h.slack.addChannel({ id: 'G0EXEC', name: 'exec-private', isPrivate: true });
    h.slack.setChannelMembers('G0EXEC', [...MANY, 'U0OPS']);
    expect(await answerTo('#exec-private board meeting moved')).toContain('<#G0EXEC>');
    await h.slack.waitFor(postedIn('G0EXEC'));
  });

  it('refuses a non-member who gives the channel\'s id as Slack escapes it', async () => {
    h.slack.addChannel({ id: 'G0EXEC', name: 'exec-private', isPrivate: true });
    h.slack.setChannelMembers('G0EXEC', ['U0BOSS']);
    const sent = await h.command('/alert', 'U0OPS', '<#G0EXEC|exec-private> board meeting moved', { raw: true });
    expect(JSON.stringify((await h.slack.waitFor(isResponse(sent.responseUrl))).body)).toContain("couldn't find a channel");
    await wait(500);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'G0EXEC')).toEqual([]);
  });

  it('leaves public channels open without asking who is in them', async () => {
    h.slack.addChannel({ id: 'C0PUBLIC', name: 'public-ops' });
    h.slack.setChannelMembers('C0PUBLIC', ['U0BOSS']);
    await h.command('/alert', 'U0OPS', '#public-ops backup done');
    await h.slack.waitFor(postedIn('C0PUBLIC'));
    expect(membersCalls()).toEqual([]);
  });

  it('leaves the configured team channel open though it is private and the sender is not in it', async () => {
    h.slack.addChannel({ id: 'C0ALERTS', name: 'alerts', isPrivate: true });
    h.slack.setChannelMembers('C0ALERTS', ['U0BOSS']);
    await h.command('/alert', 'U0OPS', '#alerts disk almost full');
    await h.slack.waitFor(postedIn('C0ALERTS'));
  });
});

describe('/alert-channel', () => {
  it('lets a workspace admin set the team channel, which alerts then use', async () => {
    h.slack.setUser('U0ADMIN', { isAdmin: true });
    h.slack.addChannel({ id: 'C0INCIDENTS', name: 'incidents' });
    const sent = await h.command('/alert-channel', 'U0ADMIN', '#incidents');
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(JSON.stringify(answer.body)).toContain('<#C0INCIDENTS>');
    await h.command('/alert', 'U0OPS', 'deploy failed');
    await h.slack.waitFor(postedIn('C0INCIDENTS'));
  });

  it('lets a member of the configured user group set it too', async () => {
    h.slack.setUserGroup('S0LEADS', ['U0LEAD']);
    const sent = await h.command('/alert-channel', 'U0LEAD', '<#C0LEADS|leads>', { raw: true });
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(JSON.stringify(answer.body)).toContain('<#C0LEADS>');
  });

  it('refuses anyone else', async () => {
    h.slack.setUserGroup('S0LEADS', ['U0LEAD']);
    const sent = await h.command('/alert-channel', 'U0OPS', '#ops');
    const answer = await h.slack.waitFor(isResponse(sent.responseUrl));
    expect(JSON.stringify(answer.body)).toMatch(/Only workspace admins/);
  });
});

describe('an alert left in the outbox by a restart', () => {
  it('is posted by the next instance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-restart-'));
    try {
      const db = await openDatabase(join(dir, 'db'));
      await migrate(db);
      await new SqlAlertOutbox(db).enqueue({
        raisedBy: { teamId: TEAM, userId: 'U0OPS' },
        channelId: 'C0AFTER',
        severity: 'warning',
        text: 'left over from before the restart',
        mentionChannel: false,
        createdAt: new Date(),
      });
      await db.close();
      const next = await startHarness({ DATABASE_URL: join(dir, 'db') });
      try {
        const posted = await next.slack.waitFor(postedIn('C0AFTER'), 10_000);
        expect(JSON.stringify(posted.body.blocks)).toContain('left over from before the restart');
        await next.slack.waitFor(dmTo('U0OPS', /is posted/), 5_000);
      } finally {
        await next.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
