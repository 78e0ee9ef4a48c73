/**
 * The "connected" DM names the account that was connected (issue 20): through the real bot on the
 * built-in backend, Gmail is authorized with `openid email` beside its own scopes, the stand-in
 * answers with an ID token as Google does, and the DM says "Connected Gmail as <address>" with
 * Disconnect beside it. An address Google has not verified is not named.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';
import { askAndGetLink, isDmTo, seedInbox } from '../helpers/localFlows.ts';
import { DEFAULT_ACCOUNT_EMAIL } from '../standins/oauthProvider.ts';

let h: LocalHarness;
const GMAIL_SCOPES = ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.compose'];
const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

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

interface Section {
  type: string;
  text?: { type: string; text: string; verbatim?: boolean };
  accessory?: { type: string; action_id?: string; text?: { text: string } };
}

async function connectedDm(user: string): Promise<{ text: string; section: Section }> {
  const dm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('Connected Gmail')));
  const blocks = dm.body.blocks as Section[];
  expect(blocks).toHaveLength(1);
  return { text: String(dm.body.text), section: blocks[0] as Section };
}

describe('the connected DM on the built-in backend', () => {
  it("asks Google for openid email beside Gmail's scopes only, and names the verified address with Disconnect beside it", async () => {
    const user = 'U0ADDR';
    h.provider.setAccount({ email: 'alice@example.com' });
    const trail = await h.connect(await askAndGetLink(h, user));
    expect(trail.status).toBe(200);

    const scopes = new URL(trail.authorizeUrl as string).searchParams.get('scope')?.split(' ') ?? [];
    expect(scopes).toEqual(expect.arrayContaining([...GMAIL_SCOPES, 'openid', 'email']));
    expect(scopes).toHaveLength(GMAIL_SCOPES.length + 2);
    expect(scopes).not.toContain(CALENDAR_SCOPE);

    const { text, section } = await connectedDm(user);
    expect(text).toContain('Connected Gmail as alice@example.com');
    expect(section.text).toMatchObject({ type: 'mrkdwn', verbatim: true });
    expect(section.text?.text).toContain('Connected Gmail as alice@example.com');
    expect(section.accessory).toMatchObject({ type: 'button', action_id: `home_disconnect:${h.config.gmail.connectionName}`, text: { text: 'Disconnect' } });
    // The address goes to this user's DM and nowhere else.
    const elsewhere = h.slack.calls.filter((c) => c.body.channel !== `D${user}` && JSON.stringify(c.body).includes('alice@example.com'));
    expect(elsewhere).toEqual([]);
  });

  it('names no address that Google has not verified', async () => {
    const user = 'U0UNVERIFIED';
    h.provider.setAccount({ email: 'mallory@example.com', emailVerified: false });
    expect((await h.connect(await askAndGetLink(h, user))).status).toBe(200);
    const { text, section } = await connectedDm(user);
    expect(text).toMatch(/^Connected Gmail :white_check_mark:/);
    expect(JSON.stringify(section)).not.toContain('mallory@example.com');
    expect(section.accessory).toMatchObject({ action_id: `home_disconnect:${h.config.gmail.connectionName}` });
  });

  it('names the default account of the stand-in too, and never logs an ID token', async () => {
    const user = 'U0DEFAULT';
    expect((await h.connect(await askAndGetLink(h, user))).status).toBe(200);
    expect((await connectedDm(user)).text).toContain(`Connected Gmail as ${DEFAULT_ACCOUNT_EMAIL}`);
    const idTokens = h.provider.issued.filter((token) => claimsOf(token)?.email === DEFAULT_ACCOUNT_EMAIL);
    expect(idTokens).toHaveLength(1);
    expect(h.logs.leaks(h.provider.issued)).toEqual([]);
  });
});

function claimsOf(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
