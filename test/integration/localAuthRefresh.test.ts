/**
 * Token refresh in the built-in backend, through the real bot: 50 concurrent /unread on an expired
 * token cost one token-endpoint call; a Gmail 401 refreshes once; transient failures are retried and
 * never expire the account; rotated refresh tokens are kept; invalid_grant expires the account and
 * sends a fresh "Reconnect" prompt, after which connecting again finishes the kept request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn } from '../helpers/botHarness.ts';
import { startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';
import { blocksText, connectUser, isDmTo, isResponse, seedInbox, unreadAnswer } from '../helpers/localFlows.ts';
import { commandAnswer } from '../helpers/slackRequests.ts';

let h: LocalHarness;
let latestAccessToken = '';
const user = 'U0ALICE';
const HOUR = 3600_000;
const refreshes = () => h.provider.tokenCalls.filter((c) => c.grantType === 'refresh_token');

beforeAll(async () => {
  // No restarts or raw reads here: memory is quicker to set up than a database directory.
  h = await startLocalHarness({ DATABASE_URL: 'memory://' });
  h.provider.onAccessToken((token) => (latestAccessToken = token));
  seedInbox(h.gmail);
  await connectUser(h, user);
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

describe('an access token that has run out', () => {
  it('is refreshed once for 50 concurrent /unread, and every one is answered', async () => {
    h.advance(2 * HOUR);
    const sent = await Promise.all(Array.from({ length: 50 }, (_, i) => h.unread(user, '', `burst-${i}`)));
    expect(sent.every((s) => s.status === 200)).toBe(true);
    const answers = await Promise.all(sent.map((s) => commandAnswer(h.slack, s, 20_000)));
    expect(answers.filter((a) => blocksText(a.body).includes('Lunch?'))).toHaveLength(50);
    expect(refreshes()).toHaveLength(1);
    expect(refreshes()[0]?.status).toBe(200);
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('is refreshed when Gmail refuses it, once, and the request is answered', async () => {
    h.gmail.revokeToken(latestAccessToken);
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    expect(refreshes()).toHaveLength(1);
    expect(h.gmail.requests.map((r) => r.path)).toEqual(['/gmail/v1/users/me/messages', '/gmail/v1/users/me/messages', '/batch/gmail/v1']);
  });

  it('is refreshed after a transient 503 from the token endpoint, without troubling the user', async () => {
    h.advance(2 * HOUR);
    h.provider.failNextToken({ status: 503, body: { error: 'temporarily_unavailable' }, grantType: 'refresh_token' });
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    expect(refreshes().map((c) => c.status)).toEqual([503, 200]);
  });

  it('is kept, and the account with it, when the token endpoint stays down', async () => {
    h.advance(2 * HOUR);
    h.provider.failNextToken({ status: 503, body: {} }, 3);
    const answer = await unreadAnswer(h, user);
    expect(answer).toMatch(/isn't answering right now/);
    expect(answer).not.toContain('/connect/');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
    // Once the provider is back, the same account refreshes and answers: it was never expired.
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    expect(refreshes().map((c) => c.status)).toEqual([503, 503, 503, 200]);
  });

  it('uses a rotated refresh token from then on (the old one is dead at the provider)', async () => {
    h.provider.setRotation(true);
    h.advance(2 * HOUR);
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    h.advance(2 * HOUR);
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    const [first, second] = refreshes();
    expect([first?.status, second?.status]).toEqual([200, 200]);
    expect(second?.form.refresh_token).not.toBe(first?.form.refresh_token);
  });
});

describe('a grant the provider no longer honours (invalid_grant)', () => {
  it('expires the account and DMs a fresh prompt to reconnect', async () => {
    h.advance(2 * HOUR);
    h.provider.failNextToken({ status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
    const sent = await h.unread(user);
    const dm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect(blocksText(dm.body)).toContain('Reconnect Gmail');
    const notice = await commandAnswer(h.slack, sent);
    expect(JSON.stringify(notice.body)).toMatch(/direct message/i);
    expect(refreshes()).toHaveLength(1);
  });

  it('keeps asking without calling the provider again until the user reconnects', async () => {
    await h.unread(user);
    const dm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect(blocksText(dm.body)).toContain('Reconnect Gmail');
    expect(h.provider.tokenCalls).toEqual([]);

    const page = await h.connect(authorizationLinkIn(dm));
    expect(page.status).toBe(200);
    await h.slack.waitFor(isDmTo(user, (text) => text.includes('Lunch?')));
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
  });
});
