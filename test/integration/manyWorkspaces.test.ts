/**
 * Many workspaces from one deployment, through the real bot: "Add to Slack" (the bot's page, Slack's
 * authorize page played by the stand-in, the return), each request and each message with its own
 * workspace's token, two workspaces side by side that never see each other, an org-wide install
 * serving two workspaces of its org, and the install state checked (single use, this browser's,
 * expiring). On SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET, startHarness, type Harness } from '../helpers/botHarness.ts';
import { TestBrowser } from '../helpers/browser.ts';
import { freshPostgresUrl } from '../helpers/databases.ts';
import { install, manyWorkspaces, startInstall } from '../helpers/installFlow.ts';
import { commandAnswer, sendEvent, sendSlashCommand } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';
import type { InstallingWorkspace } from '../standins/slackOAuthInstall.ts';
import { SLACK_CLIENT_ID } from '../standins/slackOidc.ts';

const ALPHA: InstallingWorkspace = { teamId: 'T0ALPHA', teamName: 'Alpha <b>& Co', installerUserId: 'U0ADMINA' };
const BRAVO: InstallingWorkspace = { teamId: 'T0BRAVO', teamName: 'Bravo', installerUserId: 'U0ADMINB' };
const ORG: InstallingWorkspace = { enterpriseId: 'E0ORG', enterpriseName: 'Org', orgWide: true, installerUserId: 'U0ORGADMIN' };
const TEN_MINUTES_MS = 10 * 60_000;

interface Where { teamId: string; enterpriseId?: string }

const isCall = (method: string, match: (c: RecordedCall) => boolean = () => true) =>
  (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method && match(a);
const dmTo = (user: string, token: string, pattern: RegExp = /./) =>
  isCall('chat.postMessage', (c) => c.body.channel === `D${user}` && c.token === token && pattern.test(JSON.stringify(c.body)));

describe.each([
  { name: 'SQLite', databaseUrl: async () => 'memory://' },
  { name: 'PostgreSQL', databaseUrl: freshPostgresUrl },
])('many workspaces on $name', ({ databaseUrl }) => {
  let h: Harness;
  let skewMs = 0;
  let commands = 0;
  let events = 0;

  beforeAll(async () => {
    const url = await databaseUrl();
    h = await startHarness((slack) => manyWorkspaces(slack, { DATABASE_URL: url, INLINE_ANSWER_MS: '0' }), {
      now: () => new Date(Date.now() + skewMs),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const tokenOf = (where: { teamId?: string; enterpriseId?: string }): string => {
    const issued = [...h.slack.install.tokens.values()].filter((t) =>
      where.teamId ? t.teamId === where.teamId : t.enterpriseId === where.enterpriseId && t.isEnterpriseInstall);
    const last = issued.at(-1);
    if (!last) throw new Error(`no token issued for ${JSON.stringify(where)}`);
    return last.token;
  };
  const command = async (where: Where, userId: string, name: string, text = '', raw = false) => {
    const responseUrl = h.slack.responseUrl(`mw${++commands}`);
    const sent = await sendSlashCommand(
      `${h.botUrl}/slack/events`,
      SIGNING_SECRET,
      { command: name, text, userId, teamId: where.teamId, ...(where.enterpriseId ? { enterpriseId: where.enterpriseId } : {}), channelId: 'C0GENERAL', responseUrl },
      { rawText: raw },
    );
    return { ...sent, responseUrl };
  };
  const homeOpened = (where: Where, user: string) =>
    sendEvent(
      `${h.botUrl}/slack/events`,
      SIGNING_SECRET,
      { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: `${Date.now() / 1000}` },
      { eventId: `EvMw${++events}`, teamId: where.teamId, ...(where.enterpriseId ? { enterpriseId: where.enterpriseId } : {}) },
    );

  it('is ready once its database is open, with no bot token to check and nothing installed yet', async () => {
    expect((await fetch(`${h.botUrl}/readyz`)).status).toBe(200);
    expect(h.slack.history.filter((c) => c.method === 'auth.test')).toEqual([]);
    expect(h.logs.text).toContain('/slack/oauth_redirect');
  });

  it('installs a workspace through "Add to Slack", then answers it with its own token', async () => {
    const steps = await install(h.botUrl, h.slack, ALPHA);
    expect(steps.page.status).toBe(200);
    expect(steps.page.body).toContain('Add to Slack');
    const asked = new URL(steps.authorizeUrl);
    expect(`${asked.origin}${asked.pathname}`).toBe(h.slack.install.authorizeUrl);
    expect(asked.searchParams.get('client_id')).toBe(SLACK_CLIENT_ID);
    expect(asked.searchParams.get('redirect_uri')).toBe(`${h.botUrl}/slack/oauth_redirect`);
    expect(asked.searchParams.get('scope')?.split(',')).toEqual(expect.arrayContaining(['commands', 'chat:write', 'im:write']));
    expect(asked.searchParams.get('state')).toBeTruthy();
    expect(steps.done.status).toBe(200);
    // The workspace's name is Slack's data: shown escaped.
    expect(steps.done.body).toContain('Alpha &#60;b&#62;&#38; Co');
    expect(steps.done.body).not.toContain('<b>');
    const exchange = h.slack.history.find((c) => c.method === 'oauth.v2.access');
    expect(exchange?.body).toMatchObject({ client_id: SLACK_CLIENT_ID, redirect_uri: `${h.botUrl}/slack/oauth_redirect` });
    const alpha = tokenOf(ALPHA as Where);

    // Someone not connected yet: the connect link comes in a DM sent with Alpha's token.
    const sent = await command({ teamId: 'T0ALPHA' }, 'U0A1', '/unread');
    expect(sent.status).toBe(200);
    const dm = await h.slack.waitFor(dmTo('U0A1', alpha, /connect/i));
    expect(dm.token).toBe(alpha);
    // Connecting: the "connected" DM and the kept request's answer go with Alpha's token too.
    const connected = await h.connect(authorizationLinkIn(dm), new TestBrowser(), { userId: 'U0A1', teamId: 'T0ALPHA' });
    expect(connected.status).toBe(200);
    await h.slack.waitFor(dmTo('U0A1', alpha, /connected/i));
    const kept = await h.slack.waitFor(isCall('chat.postMessage', (c) => c.body.channel === 'DU0A1' && /unread/i.test(JSON.stringify(c.body)) && !/connect/i.test(String(c.body.text))));
    expect(kept.token).toBe(alpha);
    expect(h.slack.history.filter((c) => c.body.channel === 'DU0A1' || c.body.user_id === 'U0A1').every((c) => c.token === alpha)).toBe(true);

    // Someone connected: their mail, read through their own connected account.
    h.scalekit.setAccount(h.config.gmail.connectionName, 'slack:T:T0ALPHA:U0A2', { status: 'ACTIVE', accessToken: 'ya29.alpha-a2', expiresAt: new Date(Date.now() + 3_600_000) });
    h.gmail.allowToken('ya29.alpha-a2');
    const read = await command({ teamId: 'T0ALPHA' }, 'U0A2', '/unread');
    const answer = JSON.stringify((await commandAnswer(h.slack, read)).body);
    expect(answer).not.toMatch(/connect|went wrong|not installed/i);
    expect(answer).toMatch(/unread/i);

    // A workspace that never installed the bot gets nothing from it, and nothing goes out for it.
    const before = h.slack.history.length;
    const stranger = await command({ teamId: 'T0NOPE' }, 'U0Z1', '/unread');
    // Bolt acknowledges what it cannot authorize, with nothing in it.
    expect(stranger).toMatchObject({ status: 200, body: '' });
    await h.slack.settle(300);
    expect(h.slack.history.slice(before).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('keeps two workspaces apart: commands, DMs, team alerts, the App Home and the audit log each with their own token', async () => {
    await install(h.botUrl, h.slack, BRAVO);
    const alpha = tokenOf({ teamId: 'T0ALPHA' });
    const bravo = tokenOf({ teamId: 'T0BRAVO' });
    expect(alpha).not.toBe(bravo);
    const from = h.slack.history.length;
    const A = { teamId: 'T0ALPHA' };
    const B = { teamId: 'T0BRAVO' };

    // The same user id in both workspaces: two people, each served in their own workspace.
    await command(A, 'U0SAME', '/unread');
    await command(B, 'U0SAME', '/unread');
    await h.slack.waitFor(dmTo('U0SAME', alpha, /connect/i));
    await h.slack.waitFor(dmTo('U0SAME', bravo, /connect/i));

    await command(A, 'U0SAME', '/alert', '<#C0ALPHAOPS|ops> deploy failed in alpha', true);
    await command(B, 'U0SAME', '/alert', '<#C0BRAVOOPS|ops> deploy failed in bravo', true);
    const postedA = await h.slack.waitFor(isCall('chat.postMessage', (c) => c.body.channel === 'C0ALPHAOPS'));
    const postedB = await h.slack.waitFor(isCall('chat.postMessage', (c) => c.body.channel === 'C0BRAVOOPS'));
    expect(postedA.token).toBe(alpha);
    expect(postedB.token).toBe(bravo);
    await h.slack.waitFor(dmTo('U0SAME', alpha, /is posted/));
    await h.slack.waitFor(dmTo('U0SAME', bravo, /is posted/));

    expect((await homeOpened(A, 'U0SAME')).status).toBe(200);
    expect((await homeOpened(B, 'U0HOMEB')).status).toBe(200);
    const homeA = await h.slack.waitFor(isCall('views.publish', (c) => c.body.user_id === 'U0SAME'));
    const homeB = await h.slack.waitFor(isCall('views.publish', (c) => c.body.user_id === 'U0HOMEB'));
    expect(homeA.token).toBe(alpha);
    expect(homeB.token).toBe(bravo);

    // Only Alpha's U0ONLYA raised an alert: Bravo's U0ONLYA (another person) sees nothing of it.
    await command(A, 'U0ONLYA', '/alert', '<#C0ALPHAOPS|ops> only in alpha', true);
    await h.slack.waitFor(isCall('chat.postMessage', (c) => c.body.channel === 'C0ALPHAOPS' && JSON.stringify(c.body).includes('only in alpha')));
    const logA = JSON.stringify((await commandAnswer(h.slack, await command(A, 'U0ONLYA', '/actions-log'))).body);
    const logB = JSON.stringify((await commandAnswer(h.slack, await command(B, 'U0ONLYA', '/actions-log'))).body);
    expect(logA).toContain('Raised a team alert');
    expect(logB).not.toContain('Raised a team alert');
    expect(logB).toContain("I haven't done anything on your behalf");

    // Every call went out with one of the two tokens, and none carried the other workspace's things.
    const calls = h.slack.history.slice(from).filter((c) => c.method !== 'oauth.v2.access');
    expect(calls.length).toBeGreaterThan(8);
    for (const call of calls) {
      expect([alpha, bravo]).toContain(call.token);
      const text = JSON.stringify(call.body);
      if (call.token === alpha) expect(text).not.toMatch(/bravo|U0HOMEB/i);
      else expect(text).not.toMatch(/alpha|C0ALPHAOPS/i);
    }
  });

  it('serves every workspace of an organisation from one org-wide install, and no other org', async () => {
    const steps = await install(h.botUrl, h.slack, ORG);
    expect(steps.done.status).toBe(200);
    const org = tokenOf({ enterpriseId: 'E0ORG' });
    await command({ teamId: 'T0ORGX', enterpriseId: 'E0ORG' }, 'U0X1', '/unread');
    await command({ teamId: 'T0ORGY', enterpriseId: 'E0ORG' }, 'U0Y1', '/unread');
    expect((await h.slack.waitFor(dmTo('U0X1', org, /connect/i))).token).toBe(org);
    expect((await h.slack.waitFor(dmTo('U0Y1', org, /connect/i))).token).toBe(org);
    // Identifiers stay per person, scoped by the org as before.
    h.scalekit.setAccount(h.config.gmail.connectionName, 'slack:E:E0ORG:U0X2', { status: 'ACTIVE', accessToken: 'ya29.org-x2', expiresAt: new Date(Date.now() + 3_600_000) });
    h.gmail.allowToken('ya29.org-x2');
    const read = JSON.stringify((await commandAnswer(h.slack, await command({ teamId: 'T0ORGX', enterpriseId: 'E0ORG' }, 'U0X2', '/unread'))).body);
    expect(read).not.toMatch(/connect|went wrong/i);

    const before = h.slack.history.length;
    const elsewhere = await command({ teamId: 'T0OTHER', enterpriseId: 'E0ELSEWHERE' }, 'U0W1', '/unread');
    expect(elsewhere).toMatchObject({ status: 200, body: '' });
    await h.slack.settle(300);
    expect(h.slack.history.slice(before).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('refuses an install state used twice, returned to another browser, or expired', async () => {
    // Used twice: the second return is refused, even with the state cookie, and no code is exchanged.
    const browser = new TestBrowser();
    const first = await startInstall(h.botUrl, h.slack, { teamId: 'T0AGAIN' }, browser);
    const state = new URL(first.redirect).searchParams.get('state') as string;
    expect((await browser.step(first.redirect)).status).toBe(200);
    const exchanges = h.slack.history.filter((c) => c.method === 'oauth.v2.access').length;
    const replay = await fetch(first.redirect, { redirect: 'manual', headers: { cookie: `slack-app-oauth-state=${state}` } });
    expect(replay.status).toBe(403);
    expect(await replay.text()).toContain('expired or was already used');
    expect(h.slack.history.filter((c) => c.method === 'oauth.v2.access').length).toBe(exchanges);

    // Returned to a browser that did not start it: refused, and the rightful browser still completes.
    const mine = new TestBrowser();
    const started = await startInstall(h.botUrl, h.slack, { teamId: 'T0MINE' }, mine);
    const forwarded = await new TestBrowser().step(started.redirect);
    expect(forwarded.status).toBe(403);
    const wrongCookie = await fetch(started.redirect, { redirect: 'manual', headers: { cookie: 'slack-app-oauth-state=someone-elses' } });
    expect(wrongCookie.status).toBe(403);
    expect((await mine.step(started.redirect)).status).toBe(200);

    // Expired: ten minutes later, the state no longer works, cookie or not.
    const late = await startInstall(h.botUrl, h.slack, { teamId: 'T0LATE' });
    skewMs = TEN_MINUTES_MS + 1_000;
    try {
      const answer = await late.browser.step(late.redirect);
      expect(answer.status).toBe(403);
    } finally {
      skewMs = 0;
    }
    expect([...h.slack.install.tokens.values()].some((t) => t.teamId === 'T0LATE')).toBe(false);

    // Cancelled at Slack: nothing installed, a plain page.
    const cancelled = await install(h.botUrl, h.slack, undefined);
    expect(cancelled.done.status).toBe(400);
    expect(cancelled.done.body).toContain('cancelled');
  });

  const uninstalled = async (where: Where & { isEnterpriseInstall?: boolean }) => {
    const finished = h.logs.lines.filter((line) => line.includes('workspace removal finished')).length;
    const sent = await sendEvent(`${h.botUrl}/slack/events`, SIGNING_SECRET, { type: 'app_uninstalled' }, { eventId: `EvMw${++events}`, ...where });
    expect(sent.status).toBe(200);
    await expect.poll(() => h.logs.lines.filter((line) => line.includes('workspace removal finished')).length, { timeout: 15_000 }).toBe(finished + 1);
  };
  const ignoredLines = () => h.logs.lines.filter((line) => line.includes('the bot is not installed in was ignored')).length;
  const answersNothing = async (where: Where, userId: string) => {
    const before = h.slack.history.length;
    const ignored = ignoredLines();
    expect(await command(where, userId, '/unread')).toMatchObject({ status: 200, body: '' });
    await expect.poll(ignoredLines).toBe(ignored + 1);
    await h.slack.settle(300);
    expect(h.slack.history.slice(before).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  };

  it('uninstalled, a workspace is served no more and keeps nothing; re-installed, it starts clean', async () => {
    const A = { teamId: 'T0ALPHA' };
    const oldAlpha = tokenOf(A);
    const bravo = tokenOf({ teamId: 'T0BRAVO' });
    expect(h.scalekit.getAccount(h.config.gmail.connectionName, 'slack:T:T0ALPHA:U0A2')?.status).toBe('ACTIVE');
    await uninstalled(A);

    await answersNothing(A, 'U0A1');
    // Its users' accounts are gone at Scalekit; Bravo's workspace still works with its own token.
    expect(h.scalekit.getAccount(h.config.gmail.connectionName, 'slack:T:T0ALPHA:U0A2')).toBeUndefined();
    const logB = JSON.stringify((await commandAnswer(h.slack, await command({ teamId: 'T0BRAVO' }, 'U0SAME', '/actions-log'))).body);
    expect(logB).toContain('Raised a team alert');

    // Re-installed: a new token, and nothing of before (audit entries hidden, accounts to connect again).
    await install(h.botUrl, h.slack, ALPHA);
    const newAlpha = tokenOf(A);
    expect(newAlpha).not.toBe(oldAlpha);
    expect(newAlpha).not.toBe(bravo);
    const logA = JSON.stringify((await commandAnswer(h.slack, await command(A, 'U0ONLYA', '/actions-log'))).body);
    expect(logA).not.toContain('Raised a team alert');
    expect(logA).toContain("I haven't done anything on your behalf");
    await command(A, 'U0A2', '/unread');
    expect((await h.slack.waitFor(dmTo('U0A2', newAlpha, /connect/i))).token).toBe(newAlpha);
  });

  it('uninstalled as an org, every workspace of the org is served no more; re-installed, it is served again', async () => {
    const X = { teamId: 'T0ORGX', enterpriseId: 'E0ORG' };
    const oldOrg = tokenOf({ enterpriseId: 'E0ORG' });
    expect(h.scalekit.getAccount(h.config.gmail.connectionName, 'slack:E:E0ORG:U0X2')?.status).toBe('ACTIVE');
    await uninstalled({ ...X, isEnterpriseInstall: true });
    await answersNothing(X, 'U0X1');
    await answersNothing({ teamId: 'T0ORGY', enterpriseId: 'E0ORG' }, 'U0Y1');
    expect(h.scalekit.getAccount(h.config.gmail.connectionName, 'slack:E:E0ORG:U0X2')).toBeUndefined();

    await install(h.botUrl, h.slack, ORG);
    const org = tokenOf({ enterpriseId: 'E0ORG' });
    expect(org).not.toBe(oldOrg);
    await command({ teamId: 'T0ORGY', enterpriseId: 'E0ORG' }, 'U0Y2', '/unread');
    expect((await h.slack.waitFor(dmTo('U0Y2', org, /connect/i))).token).toBe(org);
  });

  it('logs no token, code or state', () => {
    const secrets = [
      ...[...h.slack.install.tokens.keys()],
      ...h.slack.install.authorizeVisits.map((q) => q.get('state') ?? ''),
      ...h.slack.history.filter((c) => c.method === 'oauth.v2.access').map((c) => String(c.body.code ?? '')),
    ].filter((s) => s.length > 0);
    expect(secrets.length).toBeGreaterThan(5);
    expect(h.logs.leaks(secrets)).toEqual([]);
  });
});
