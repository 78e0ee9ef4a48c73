/**
 * The whole path of /unread through the real bot in HTTP mode: Slack-signed requests in, the
 * Slack Web API, Gmail and Scalekit stand-ins behind it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, BOT_TOKEN, SCALEKIT_SECRET, SIGNING_SECRET, startHarness, type Harness } from '../helpers/botHarness.ts';
import { TestBrowser } from '../helpers/browser.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';
import { sendSlashCommand } from '../helpers/slackRequests.ts';

let h: Harness;
const isCall = (method: string, match: (c: RecordedCall) => boolean = () => true) =>
  (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method && match(a);
const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);
/** A command's answer, inside its acknowledgement (INLINE_ANSWER_MS) or on its response_url. */
const answerTo = async (sent: Parameters<Harness['answerOf']>[0], timeoutMs?: number) => ({ body: (await h.answerOf(sent, timeoutMs)).body });
const blocksText = (body: unknown) => JSON.stringify((body as { blocks?: unknown }).blocks ?? []);

function seedInbox(): void {
  const base = Date.now();
  h.gmail.addMessage({ from: 'Bob <bob@example.com>', subject: 'Lunch?', date: new Date(base - 60_000), snippet: 'Are you free at noon&#39;s end?' });
  h.gmail.addMessage({ from: 'Mallory <m@example.com>', subject: '<!channel> urgent @here', date: new Date(base - 120_000), snippet: 'ping <@U123> &lt;b&gt;' });
  h.gmail.addMessage({ from: 'Carol <carol@example.com>', subject: 'Read already', date: new Date(base - 30_000), snippet: 'old', unread: false });
}

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  h.scalekit.setDown(false);
  h.scalekit.setDelay(0);
  seedInbox();
});

describe('a first /unread from a user who has not connected Gmail', () => {
  const user = 'U0ALICE';
  let linkUrl: string;

  it('acknowledges, DMs an authorization link, and says privately that a DM is waiting', async () => {
    const sent = await h.unread(user);
    expect(sent.status).toBe(200);
    const dm = await h.slack.waitFor(isCall('chat.postMessage'));
    const open = h.slack.calls.find((c) => c.method === 'conversations.open');
    expect(open?.body).toMatchObject({ users: user });
    expect(dm.body).toMatchObject({ channel: `D${user}` });
    linkUrl = authorizationLinkIn(dm);
    expect(linkUrl.startsWith(`${h.botUrl}/connect/`)).toBe(true);
    const notice = await answerTo(sent);
    expect(notice.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(notice.body)).toMatch(/direct message/i);
    expect(JSON.stringify(notice.body)).not.toContain('/connect/');
    expect(h.scalekit.getAccount('gmail', h.identifierOf(user))?.status).toBe('PENDING_AUTH');
  });

  it('refuses the return from a browser that did not open the link', async () => {
    const stranger = new TestBrowser();
    const page = await stranger.open(`${h.botUrl}/auth/callback?auth_request_id=forged&state=x`);
    expect(page.status).toBe(403);
    expect(h.scalekit.getAccount('gmail', h.identifierOf(user))?.status).toBe('PENDING_AUTH');
  });

  it('connects through the link, verifies the user, and answers the kept request in the DM', async () => {
    const page = await h.connect(linkUrl);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/connected/i);
    expect(h.scalekit.lastMagicLinkRequest).toMatchObject({
      connection: 'gmail',
      identifier: h.identifierOf(user),
      userVerifyUrl: `${h.botUrl}/auth/callback`,
    });
    expect(h.scalekit.getAccount('gmail', h.identifierOf(user))?.status).toBe('ACTIVE');
    const summary = await h.slack.waitFor(isCall('chat.postMessage', (c) => blocksText(c.body).includes('Lunch?')));
    expect(summary.body).toMatchObject({ channel: `D${user}` });
    expect(blocksText(summary.body)).not.toContain('Read already');
  });

  it('refuses the same link a second time', async () => {
    const page = await new TestBrowser().open(linkUrl);
    expect(page.status).toBe(410);
  });

  it('answers a second /unread with the summary, in two Gmail round trips', async () => {
    const sent = await h.unread(user, '5');
    const answer = await answerTo(sent);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(blocksText(answer.body)).toContain('Lunch?');
    expect(h.gmail.requests.map((r) => r.path)).toEqual(['/gmail/v1/users/me/messages', '/batch/gmail/v1']);
    expect(h.gmail.requests[0]?.query.get('q')).toContain('is:unread');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('shows a subject of <!channel> and @here inert', async () => {
    const sent = await h.unread(user);
    const answer = await answerTo(sent);
    const text = blocksText(answer.body);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;@U123&gt;');
    expect(text).not.toMatch(/<!channel>|<@U123>/);
    const blocks = (answer.body as { blocks: Array<{ text?: { type: string; text: string; verbatim?: boolean } }> }).blocks;
    const withHere = blocks.filter((b) => b.text?.text.includes('@here'));
    expect(withHere.length).toBeGreaterThan(0);
    for (const block of withHere) expect(block.text?.type === 'plain_text' || block.text?.verbatim === true).toBe(true);
    expect(String((answer.body as { text?: string }).text)).not.toMatch(/<!channel>/);
  });

  it('retries a Gmail 429 and then answers', async () => {
    h.gmail.failNext(1, { status: 429, retryAfterSeconds: 1 });
    const sent = await h.unread(user);
    const answer = await answerTo(sent, 15_000);
    expect(blocksText(answer.body)).toContain('Lunch?');
    expect(h.gmail.requests.length).toBe(3);
  });

  it('tells the user clearly when Gmail stays down', async () => {
    h.gmail.failNext(10, { status: 503 });
    const sent = await h.unread(user);
    const answer = await answerTo(sent, 20_000);
    expect(JSON.stringify(answer.body)).toMatch(/Gmail/);
    expect(JSON.stringify(answer.body)).not.toMatch(/stack|Error:|at .*\.ts/);
  });
});

describe('other requests', () => {
  it('gives a usage message for a bad argument, in the acknowledgement itself', async () => {
    const sent = await h.unread('U0BOB', '99');
    expect(sent.status).toBe(200);
    const body = JSON.parse(sent.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/25/);
  });

  it('tells the user clearly when Scalekit is down, and still acknowledges Slack', async () => {
    h.scalekit.setDown(true);
    const sent = await h.unread('U0CAROL');
    expect(sent.status).toBe(200);
    const answer = await answerTo(sent, 25_000);
    // Scalekit's own message, not the generic answer for a bug of ours (which also says "try again").
    expect(JSON.stringify(answer.body)).toMatch(/The service I use to reach Gmail isn't answering right now/);
    expect(JSON.stringify(answer.body)).not.toMatch(/something went wrong on my side/i);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('acknowledges before the work is done when Scalekit is slow', async () => {
    // Each Scalekit call (a first request makes three) takes as long as the inline-answer deadline (1 s).
    h.scalekit.setDelay(1_000);
    const sent = await h.unread('U0DAVE');
    expect(sent.status).toBe(200);
    // The acknowledgement came back while the bot was still waiting on Scalekit.
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
    expect(h.slack.responses).toEqual([]);
    await answerTo(sent, 20_000);
  });

  it('refuses a request with a bad signature or a stale timestamp', async () => {
    const command = { command: '/unread', text: '', userId: 'U0EVE', teamId: 'T0TEAM', channelId: 'C1', responseUrl: h.slack.responseUrl('evil') };
    expect((await sendSlashCommand(`${h.botUrl}/slack/events`, SIGNING_SECRET, command, { signature: 'broken' })).status).toBe(401);
    expect((await sendSlashCommand(`${h.botUrl}/slack/events`, SIGNING_SECRET, command, { signature: 'stale' })).status).toBe(401);
    expect((await sendSlashCommand(`${h.botUrl}/slack/events`, 'another-secret', command)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.slack.responses).toEqual([]);
    expect(h.gmail.requests).toEqual([]);
  });

  it('reports healthy once ready', async () => {
    const response = await fetch(`${h.botUrl}/healthz`);
    expect(response.status).toBe(200);
  });

  it('never logs a token, secret, link or email content', async () => {
    const secrets = [BOT_TOKEN, SIGNING_SECRET, SCALEKIT_SECRET, 'ya29.', '/connect/', 'Lunch?', 'Mallory', 'bob@example.com', 'noon', 'auth_request_id='];
    expect(h.logs.lines.length).toBeGreaterThan(10);
    expect(h.logs.leaks(secrets)).toEqual([]);
    for (const account of ['U0ALICE']) {
      const token = h.scalekit.getAccount('gmail', h.identifierOf(account))?.accessToken;
      // Alice connected above: her token must exist, or this check would pass on nothing.
      expect(token).toMatch(/\S{8,}/);
      expect(h.logs.leaks([token as string])).toEqual([]);
    }
  });
});

describe('tokens Gmail refuses', () => {
  it('reads the token once more after a 401 and answers', async () => {
    const user = 'U0FRANK';
    const stale = h.activate(user, 'ya29.stale-frank');
    const first = await h.unread(user);
    await answerTo(first);
    // Scalekit refreshed the token; Gmail no longer takes the one the bot has cached.
    h.gmail.revokeToken(stale);
    h.activate(user, 'ya29.fresh-frank');
    h.slack.reset();
    h.gmail.reset();
    seedInbox();
    const second = await h.unread(user);
    const answer = await answerTo(second);
    expect(blocksText(answer.body)).toContain('Lunch?');
    expect(h.gmail.requests.map((r) => r.path)).toEqual([
      '/gmail/v1/users/me/messages',
      '/gmail/v1/users/me/messages',
      '/batch/gmail/v1',
    ]);
  });

  it('asks the user to authorize again when a fresh token is refused too', async () => {
    const user = 'U0GRACE';
    const token = h.activate(user, 'ya29.revoked-grace');
    h.gmail.revokeToken(token);
    const sent = await h.unread(user);
    const dm = await h.slack.waitFor(isCall('chat.postMessage'));
    expect(authorizationLinkIn(dm)).toContain('/connect/');
    const notice = await answerTo(sent);
    expect(JSON.stringify(notice.body)).toMatch(/direct message/i);
  });

  it('answers in the DM when the response_url has expired', async () => {
    const user = 'U0HEIDI';
    h.activate(user);
    h.slack.failNext('response', 1, { status: 404 });
    // Gmail answers after the inline deadline, so the answer takes the response_url path.
    h.gmail.setDelay(h.config.slack.inlineAnswerMs + 500);
    await h.unread(user);
    h.gmail.setDelay(0);
    const dm = await h.slack.waitFor(isCall('chat.postMessage'));
    expect(dm.body).toMatchObject({ channel: `D${user}` });
    expect(blocksText(dm.body)).toContain('Lunch?');
  });
});
