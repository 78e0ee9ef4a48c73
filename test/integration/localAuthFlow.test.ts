/**
 * The built-in agent-auth backend through the real bot: from a first /unread to the summary, via
 * the DM'd link, oauth2-mock-server as the provider (PKCE S256) and the bot's callback; and every
 * way a return is refused (tampered, replayed, another browser's, expired, declined, failed) with a
 * plain page and nothing stored. Ends with a raw read of the database: no token in plain text.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, BOT_TOKEN, signInWithSlack, SIGNING_SECRET } from '../helpers/botHarness.ts';
import { TestBrowser } from '../helpers/browser.ts';
import { GOOGLE_CLIENT_SECRET, startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';
import { askAndGetLink, blocksText, isDmTo, isResponse, seedInbox, unreadAnswer } from '../helpers/localFlows.ts';

let h: LocalHarness;
const GMAIL_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
// Asked for beside reading, for "Mark as read".
const GMAIL_MODIFY_SCOPE = 'https://www.googleapis.com/auth/gmail.modify';
const GMAIL_COMPOSE_SCOPE = 'https://www.googleapis.com/auth/gmail.compose';
const exchanges = () => h.provider.tokenCalls.filter((c) => c.grantType === 'authorization_code');
/** Codes, states and verifiers seen on the wire, to look for in logs and the database. */
const seen: string[] = [];

beforeAll(async () => {
  h = await startLocalHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  h.provider.reset();
  seedInbox(h.gmail);
});

function remember(trail: { authorizeUrl: string | undefined; callbackUrl: string | undefined }): void {
  const callback = trail.callbackUrl ? new URL(trail.callbackUrl).searchParams : new URLSearchParams();
  for (const value of [callback.get('code'), callback.get('state')]) if (value) seen.push(value);
}

describe('a first /unread, connected through the built-in backend', () => {
  const user = 'U0ALICE';
  let link: string;
  let callbackUrl: string;

  it('DMs a link to connect and says privately that a DM is waiting', async () => {
    link = await askAndGetLink(h, user);
    expect(link.startsWith(`${h.botUrl}/connect/`)).toBe(true);
    const dm = h.slack.calls.find((c) => c.method === 'chat.postMessage');
    expect(blocksText(dm?.body)).toContain('Connect Gmail');
    expect(h.provider.tokenCalls).toEqual([]);
  });

  it('sends the browser to the provider with PKCE S256 and offline access, and connects on return', async () => {
    const trail = await h.connect(link);
    remember(trail);
    expect(trail.status).toBe(200);
    expect(trail.body).toMatch(/connected/i);
    callbackUrl = trail.callbackUrl as string;

    const authorize = new URL(trail.authorizeUrl as string);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(h.provider.authorizationUrl);
    const asked = Object.fromEntries(authorize.searchParams);
    expect(asked).toMatchObject({
      client_id: 'test-client.apps.googleusercontent.com',
      redirect_uri: `${h.botUrl}/auth/callback`,
      response_type: 'code',
      // Its own scopes, and OpenID Connect's to learn which account it is.
      scope: `${GMAIL_SCOPE} ${GMAIL_MODIFY_SCOPE} ${GMAIL_COMPOSE_SCOPE} openid email`,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    });
    // Only this connection's scopes: never those granted to the bot's other Google connections.
    expect(authorize.searchParams.has('include_granted_scopes')).toBe(false);
    expect(asked.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.has('client_secret')).toBe(false);

    expect(exchanges()).toHaveLength(1);
    const form = exchanges()[0]?.form as Record<string, string>;
    expect(form).toMatchObject({
      redirect_uri: `${h.botUrl}/auth/callback`,
      client_id: 'test-client.apps.googleusercontent.com',
      client_secret: GOOGLE_CLIENT_SECRET,
      code: new URL(callbackUrl).searchParams.get('code'),
    });
    expect(createHash('sha256').update(form.code_verifier as string).digest('base64url')).toBe(asked.code_challenge);
    seen.push(form.code_verifier as string);
  });

  it('tells the user in the DM and answers the kept request there', async () => {
    // The page answered before the DMs went out; they follow in the background.
    await h.slack.waitFor(isDmTo(user, (text) => /connected/i.test(text)));
    const summary = await h.slack.waitFor(isDmTo(user, (text) => text.includes('Lunch?')));
    expect(blocksText(summary.body)).not.toContain('Read already');
  });

  it('answers the next /unread through the response_url, with no call to the provider', async () => {
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    expect(h.provider.tokenCalls).toEqual([]);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('refuses the same callback a second time, from the same browser or a new one', async () => {
    for (const browser of [new TestBrowser(), new TestBrowser()]) {
      const page = await browser.open(callbackUrl);
      expect(page.status).toBe(403);
      expect(page.body).toMatch(/Could not connect your account/);
    }
    expect(exchanges()).toEqual([]);
  });
});

describe('returns that are refused, storing nothing', () => {
  async function stillUnconnected(user: string): Promise<void> {
    h.slack.reset();
    await askAndGetLink(h, user); // a fresh prompt: nothing was stored
  }

  it('a tampered state', async () => {
    const user = 'U0BOB';
    const trail = await h.connect(await askAndGetLink(h, user), { tamper: (url) => url.searchParams.set('state', 'forged-state') });
    remember(trail);
    expect(trail.status).toBe(403);
    expect(trail.body).toContain('does not belong to the connection this browser started');
    expect(exchanges()).toEqual([]);
    await stillUnconnected(user);
  });

  it("another browser's return, while the rightful browser can still finish", async () => {
    const victim = 'U0CAROL';
    const attacker = 'U0MALLORY';
    const victimBrowser = new TestBrowser();
    const victimLink = await askAndGetLink(h, victim);
    const toProvider = await signInWithSlack(h.slack, victimBrowser, victimLink);
    const back = await victimBrowser.step(toProvider.location as string);
    const victimCallback = back.location as string;
    // The attacker opens their own link, then plays the victim's return in their browser.
    const attackerBrowser = new TestBrowser();
    await signInWithSlack(h.slack, attackerBrowser, await askAndGetLink(h, attacker));
    const stolen = await attackerBrowser.step(victimCallback);
    expect(stolen.status).toBe(403);
    expect(exchanges()).toEqual([]);
    const rightful = await victimBrowser.step(victimCallback);
    expect(rightful.status).toBe(200);
    await h.slack.waitFor(isDmTo(victim, (text) => text.includes('Lunch?')));
  });

  it('a link opened after its 10 minutes', async () => {
    const user = 'U0DAVE';
    const link = await askAndGetLink(h, user);
    h.advance(10 * 60_000 + 1_000);
    const page = await new TestBrowser().step(link);
    expect(page.status).toBe(410);
    expect(page.location).toBeUndefined();
  });

  it('a return more than 10 minutes after the link was opened', async () => {
    const user = 'U0ERIN';
    const browser = new TestBrowser();
    const toProvider = await signInWithSlack(h.slack, browser, await askAndGetLink(h, user));
    const back = await browser.step(toProvider.location as string);
    h.advance(10 * 60_000 + 1_000);
    const page = await browser.step(back.location as string);
    expect(page.status).toBe(403);
    expect(page.body).toContain('expired');
    expect(exchanges()).toEqual([]);
    await stillUnconnected(user);
  });

  it('a user who declines, told so in plain words', async () => {
    const user = 'U0FRANK';
    h.provider.denyNextAuthorization('access_denied');
    const trail = await h.connect(await askAndGetLink(h, user));
    expect(trail.status).toBe(403);
    expect(trail.body).toContain('You declined access to Gmail, so nothing was connected.');
    expect(h.provider.tokenCalls).toEqual([]);
    await stillUnconnected(user);
    expect(blocksText(h.slack.calls.find((c) => c.method === 'chat.postMessage')?.body)).toContain('Connect Gmail');
  });

  it('a code the provider will not exchange', async () => {
    const user = 'U0GRACE';
    h.provider.failNextToken({ status: 400, body: { error: 'invalid_grant' }, grantType: 'authorization_code' });
    const trail = await h.connect(await askAndGetLink(h, user));
    remember(trail);
    expect(trail.status).toBe(403);
    expect(trail.body).toContain('did not accept this sign-in');
    await stillUnconnected(user);
  });

  it('(not refused) a provider that fails the exchange once: retried, and connected', async () => {
    const user = 'U0JUDY';
    h.provider.failNextToken({ status: 503, body: { error: 'temporarily_unavailable' }, grantType: 'authorization_code' });
    const trail = await h.connect(await askAndGetLink(h, user));
    remember(trail);
    expect(trail.status).toBe(200);
    expect(exchanges().map((call) => call.status)).toEqual([503, 200]);
    await h.slack.waitFor(isDmTo(user, (text) => text.includes('Lunch?')));
  });

  it('a provider that does not answer the exchange', async () => {
    const user = 'U0HEIDI';
    h.provider.failNextToken({ status: 503, body: { error: 'temporarily_unavailable' } }, 3);
    const trail = await h.connect(await askAndGetLink(h, user));
    remember(trail);
    expect(trail.status).toBe(502);
    expect(exchanges()).toHaveLength(3);
    await stillUnconnected(user);
  });

  it('a grant without the Gmail permission, which is revoked again', async () => {
    const user = 'U0IVAN';
    h.provider.setGrantedScope('openid email');
    const trail = await h.connect(await askAndGetLink(h, user));
    remember(trail);
    expect(trail.status).toBe(403);
    expect(trail.body).toContain('the permission it needs was not granted');
    expect(h.provider.revocations).toHaveLength(1);
    await stillUnconnected(user);
  });
});

describe('secrets', () => {
  it('never reach the logs', async () => {
    expect(h.logs.lines.length).toBeGreaterThan(20);
    expect(h.provider.issued.length).toBeGreaterThan(0);
    const secrets = [BOT_TOKEN, SIGNING_SECRET, GOOGLE_CLIENT_SECRET, h.config.agentAuth.kind === 'local' ? Buffer.from(h.config.agentAuth.encryptionKeys[0] as Uint8Array).toString('base64') : '', '/connect/', 'Lunch?', 'code_verifier='];
    expect(h.logs.leaks([...secrets, ...h.provider.issued, ...seen])).toEqual([]);
  });

  it('are not in the database in plain text, in any table or any file', async () => {
    await h.stopBot();
    const { rows, files } = await h.rawDatabase();
    expect(rows.connected_accounts?.length).toBeGreaterThan(0);
    expect(rows.oauth_flows?.length).toBeGreaterThan(0);
    const everything = JSON.stringify(rows);
    const secrets = [...h.provider.issued, ...seen, GOOGLE_CLIENT_SECRET];
    expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
    for (const secret of secrets) {
      const needle = Buffer.from(secret);
      expect(files.some((file) => file.includes(needle))).toBe(false);
    }
    const active = rows.connected_accounts?.find((row) => row.status === 'ACTIVE');
    expect(String(active?.access_token)).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(String(active?.refresh_token)).toMatch(/^v1\.[0-9a-f]{8}\./);
  });
});
