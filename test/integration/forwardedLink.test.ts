/**
 * Issue 20, findings 1 and 6, through the real bot with both agent-auth backends: a connect link
 * opened by anyone but its owner (another user, the same user id in another workspace) connects
 * nothing, does not use the link up, and the owner is told; a bad Slack sign-in code gives a clear
 * page; a forged return sent to the owner's browser cancels nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, signInWithSlack, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { TestBrowser } from '../helpers/browser.ts';
import { blocksText, isDmTo } from '../helpers/localFlows.ts';
import { startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';

type Either = Pick<Harness, 'unread' | 'slack' | 'botUrl'> & {
  connectAs(link: string, browser?: TestBrowser): Promise<{ status: number; body: string }>;
  /** A mark that changes whenever the provider's side is reached (a magic link, an authorization request). */
  providerReached(): unknown;
  close(): Promise<void>;
};

async function scalekitBot(): Promise<Either> {
  const h = await startHarness();
  return {
    unread: h.unread, slack: h.slack, botUrl: h.botUrl,
    connectAs: (link, browser) => h.connect(link, browser),
    providerReached: () => h.scalekit.lastMagicLinkRequest,
    close: () => h.close(),
  };
}

async function builtInBot(): Promise<Either> {
  const h: LocalHarness = await startLocalHarness();
  let reached = 0;
  return {
    unread: h.unread, slack: h.slack, botUrl: h.botUrl,
    async connectAs(link, browser) {
      const trail = await h.connect(link, browser ? { browser } : {});
      if (trail.authorizeUrl) reached++;
      return trail;
    },
    providerReached: () => reached,
    close: () => h.close(),
  };
}

for (const [name, start] of [['Scalekit', scalekitBot], ['the built-in backend', builtInBot]] as const) {
  describe(`a connect link, with ${name}`, () => {
    let h: Either;
    beforeAll(async () => void (h = await start()));
    afterAll(async () => h?.close());
    beforeEach(() => h.slack.reset());

    async function linkFor(user: string): Promise<string> {
      await h.unread(user);
      return authorizationLinkIn(await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/'))));
    }

    it('forwarded to someone else: refused, the owner told, and it still works for its owner', async () => {
      const link = await linkFor('U0MALLORY');
      const before = h.providerReached();
      const stranger = await signInWithSlack(h.slack, new TestBrowser(), link, { userId: 'U0VICTIM', teamId: TEAM });
      expect(stranger.status).toBe(403);
      expect(stranger.location).toBeUndefined();
      expect(stranger.body).toContain('This link belongs to someone else');
      const warning = await h.slack.waitFor(isDmTo('U0MALLORY', (text) => text.includes('opened the connect link')));
      expect(blocksText(warning.body) + String(warning.body.text)).not.toContain('/connect/');
      expect(String(warning.body.text)).toContain('<@U0VICTIM>');
      expect(h.providerReached()).toBe(before);
      const owner = await h.connectAs(link);
      expect(owner.status).toBe(200);
      const done = await h.slack.waitFor(isDmTo('U0MALLORY', (text) => text.includes('Connected Gmail')));
      expect(blocksText(done.body)).toContain('"action_id":"home_disconnect:gmail"');
    });

    it('opened by the same user id in another workspace: refused', async () => {
      const link = await linkFor('U0SAMEID');
      const before = h.providerReached();
      const other = await signInWithSlack(h.slack, new TestBrowser(), link, { userId: 'U0SAMEID', teamId: 'T0OTHER' });
      expect(other.status).toBe(403);
      expect(other.body).toContain('belongs to someone else');
      await h.slack.waitFor(isDmTo('U0SAMEID', (text) => text.includes('another Slack workspace')));
      expect(h.providerReached()).toBe(before);
      expect((await h.connectAs(link)).status).toBe(200);
    });

    it('a bad or used sign-in code from Slack: a clear page, and the link kept', async () => {
      const link = await linkFor('U0CODE');
      const browser = new TestBrowser();
      await browser.step(h.slack.oidc.signInUrl('U0CODE', TEAM));
      const toSlack = await browser.step(link);
      const back = await browser.step(toSlack.location as string);
      const bogus = new URL(back.location as string);
      bogus.searchParams.set('code', 'oidc-code-forged');
      const page = await browser.step(bogus.toString());
      expect(page.status).toBe(403);
      expect(page.body).toContain('Could not confirm who you are');
      const refused = h.slack.calls.find((c) => c.method === 'openid.connect.token');
      expect(refused?.answer).toMatchObject({ ok: false, error: 'invalid_code' });
      expect((await h.connectAs(link)).status).toBe(200);
    });

    it('a forged return sent to the owner mid-connection cancels nothing', async () => {
      const link = await linkFor('U0FORGED');
      const browser = new TestBrowser();
      const toProvider = await signInWithSlack(h.slack, browser, link);
      expect(toProvider.status).toBe(302);
      for (const forged of ['state=forged-state&auth_request_id=ar_x&code=x', 'auth_request_id=ar_x&code=x']) {
        const page = await browser.step(`${h.botUrl}/auth/callback?${forged}`);
        expect(page.status).toBe(403);
      }
      // The owner's own connection goes on, with the session the forgery did not use up.
      const page = await browser.open(toProvider.location as string);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Connected');
    });
  });
}
