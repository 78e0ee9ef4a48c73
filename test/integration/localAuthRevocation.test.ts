/**
 * Reconnecting through the built-in backend, against oauth2-mock-server: the replaced grant is
 * revoked at the provider's revocation endpoint once the new tokens are stored; a revocation that
 * fails twice is retried and succeeds; one that keeps failing is kept (sealed) and revoked later by
 * the periodic retry, never forgotten.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, SIGNING_SECRET } from '../helpers/botHarness.ts';
import { startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';
import { connectUser, isCall, seedInbox } from '../helpers/localFlows.ts';
import { sendBlockAction } from '../helpers/slackRequests.ts';

let h: LocalHarness;

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

/** Home > Reconnect: the DM'd link played through the provider again. */
async function reconnect(user: string) {
  await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'home_connect:gmail', userId: user, teamId: 'T0TEAM', value: 'x' });
  const dm = await h.slack.waitFor(isCall('chat.postMessage', (c) => JSON.stringify(c.body).includes('/connect/')));
  const trail = await h.connect(authorizationLinkIn(dm));
  expect(trail.status).toBe(200);
  expect(trail.body).toMatch(/connected/i);
}

describe('reconnecting a Google connection', () => {
  it('revokes the replaced grant at the revocation endpoint', async () => {
    await connectUser(h, 'U0RECON1');
    const before = [...h.provider.issued];
    h.provider.reset();
    h.slack.reset();
    await reconnect('U0RECON1');
    await expect.poll(() => h.provider.revocations).toHaveLength(1);
    expect(before).toContain(h.provider.revocations[0]);
  });

  it('retries a revocation that fails twice, then succeeds', async () => {
    await connectUser(h, 'U0RECON2');
    const before = [...h.provider.issued];
    h.provider.reset();
    h.slack.reset();
    h.provider.failNextToken({ status: 503, body: { error: 'temporarily_unavailable' }, endpoint: 'revoke' }, 2);
    await reconnect('U0RECON2');
    await expect.poll(() => h.provider.revocations).toHaveLength(1);
    expect(before).toContain(h.provider.revocations[0]);
  });

  it('keeps a replaced grant it could not revoke, and revokes it on a later try', async () => {
    await connectUser(h, 'U0RECON3');
    const before = [...h.provider.issued];
    h.provider.reset();
    h.slack.reset();
    // Every attempt of the reconnect's own revocation fails (the client tries three times).
    h.provider.failNextToken({ status: 503, body: { error: 'temporarily_unavailable' }, endpoint: 'revoke' }, 3);
    await reconnect('U0RECON3');
    await expect.poll(() => h.logs.text).toContain('revoking the replaced grant failed; kept for a later try');
    await expect.poll(() => h.provider.revocations, { timeout: 10_000 }).toHaveLength(1);
    expect(before).toContain(h.provider.revocations[0]);
  });

  it('keeps the account on Disconnect while the provider cannot revoke it, and says so', async () => {
    await connectUser(h, 'U0KEEP');
    h.provider.reset();
    h.slack.reset();
    h.provider.failNextToken({ status: 503, body: { error: 'temporarily_unavailable' }, endpoint: 'revoke' }, 3);
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'home_disconnect:gmail', userId: 'U0KEEP', teamId: 'T0TEAM', value: 'x' });
    const published = await h.slack.waitFor(isCall('views.publish'));
    expect(JSON.stringify(published.body)).toContain('your account is still connected');
    expect(h.provider.revocations).toEqual([]);
    // Still connected, so Disconnect can be asked again, and then it revokes.
    expect(JSON.stringify(published.body)).toContain('home_disconnect:gmail');
    h.slack.reset();
    await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, { actionId: 'home_disconnect:gmail', userId: 'U0KEEP', teamId: 'T0TEAM', value: 'x' });
    const after = await h.slack.waitFor(isCall('views.publish'));
    expect(JSON.stringify(after.body)).toContain('home_connect:gmail');
    expect(h.provider.revocations).toHaveLength(1);
  });
});
