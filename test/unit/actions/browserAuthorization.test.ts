import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserAuthorization } from '../../../src/actions/browserAuthorization.ts';
import { RequestAuthorization } from '../../../src/actions/requestAuthorization.ts';
import type { AgentAuth } from '../../../src/agentAuth/port.ts';
import type { SlackUser } from '../../../src/core/slackUser.ts';
import { BadInputError, UpstreamUnavailableError } from '../../../src/core/errors.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { openDatabase } from '../../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../../src/infrastructure/storage/migrations.ts';
import { SqlAuthLinkStore } from '../../../src/infrastructure/storage/sqlAuthLinkStore.ts';
import { SqlAuthSessionStore } from '../../../src/infrastructure/storage/sqlAuthSessionStore.ts';
import { SqlKeptRequestStore } from '../../../src/infrastructure/storage/sqlKeptRequestStore.ts';

let db: Database;
let now: Date;
let agentAuth: AgentAuth;
let request: RequestAuthorization;
let browser: BrowserAuthorization;
const alice = { teamId: 'T1', userId: 'U1' };

beforeAll(async () => {
  db = await openDatabase('memory://');
  await migrate(db);
});
afterAll(() => db.close());

beforeEach(() => {
  now = new Date('2026-11-25T12:00:00Z');
  agentAuth = {
    ensureAccount: vi.fn(async () => 'PENDING_AUTH' as const),
    status: vi.fn(async () => 'PENDING_AUTH' as const),
    getAccessToken: vi.fn(),
    invalidateToken: vi.fn(),
    createAuthorizationLink: vi.fn(async (_ref, options) => ({
      url: `https://auth.example/magic?state=${options.state}`,
      expiresAt: undefined,
    })),
    completeAuthorization: vi.fn(async () => ({ status: 'ACTIVE' as const, address: 'alice@example.com' })),
    disconnect: vi.fn(async () => {}),
  };
  const links = new SqlAuthLinkStore(db);
  const clock = () => now;
  request = new RequestAuthorization({ agentAuth, links, keptRequests: new SqlKeptRequestStore(db), publicUrl: 'https://bot.test', now: clock });
  // Sign in with Slack, faked: the code names who signed in ("T0:U0").
  const slackSignIn = {
    authorizeUrl: (flow: { state: string }) => `https://slack.test/authorize?state=${flow.state}`,
    identify: async (code: string) => ({ teamId: code.split(':')[0]!, userId: code.split(':')[1]! }),
  };
  browser = new BrowserAuthorization({
    agentAuth, links, sessions: new SqlAuthSessionStore(db), slackSignIn,
    returnUrl: 'https://bot.test/auth/callback', signInReturnUrl: 'https://bot.test/auth/slack/callback', now: clock,
  });
});

/** Opens the link signed in to Slack as `as` (default: its owner): the link's redirect, or undefined. */
async function openLink(token: string, as: SlackUser = alice) {
  const started = await browser.startSignIn(token);
  if (!started) return undefined;
  const outcome = await browser.finishSignIn(started.pending, new URLSearchParams({ state: started.pending.state, code: `${as.teamId}:${as.userId}` }));
  return outcome.kind === 'opened' ? outcome.opened : undefined;
}

async function newLinkToken(): Promise<string> {
  const pending = await request.run({ requester: alice, identifier: 'id-1', connection: 'gmail', action: 'unread.list', input: { count: 5 } });
  expect(pending.linkUrl).toMatch(/^https:\/\/bot\.test\/connect\/[\w-]{40,}$/);
  return pending.linkUrl.split('/').pop() as string;
}

describe('browser authorization', () => {
  it('binds the browser, then completes for the link user', async () => {
    const opened = await openLink(await newLinkToken());
    expect(opened).toBeDefined();
    const state = new URL(opened!.redirectUrl).searchParams.get('state')!;
    const done = await browser.complete(opened!.sessionToken, new URLSearchParams({ auth_request_id: 'ar1', state }));
    expect(done).toMatchObject({ identifier: 'id-1', connection: 'gmail', requester: alice, status: 'ACTIVE', address: 'alice@example.com' });
    // What the code under test passed on, not what the stub answers: the link's account and the return's query.
    expect(agentAuth.completeAuthorization).toHaveBeenCalledTimes(1);
    const [ref, query] = vi.mocked(agentAuth.completeAuthorization).mock.calls[0]!;
    expect(ref).toMatchObject({ identifier: 'id-1', connection: 'gmail' });
    expect(query.get('auth_request_id')).toBe('ar1');
    // The session is used up: the same return a second time connects nothing more.
    await expect(browser.complete(opened!.sessionToken, new URLSearchParams({ auth_request_id: 'ar1', state }))).rejects.toBeInstanceOf(BadInputError);
    expect(agentAuth.completeAuthorization).toHaveBeenCalledTimes(1);
  });

  it('refuses a link opened twice or too late', async () => {
    const token = await newLinkToken();
    expect(await openLink(token)).toBeDefined();
    expect(await openLink(token)).toBeUndefined();
    const late = await newLinkToken();
    now = new Date(now.getTime() + 11 * 60_000);
    expect(await openLink(late)).toBeUndefined();
    expect(await openLink('made-up')).toBeUndefined();
  });

  it('keeps the link usable when the agent-auth service is down', async () => {
    const token = await newLinkToken();
    vi.mocked(agentAuth.createAuthorizationLink).mockRejectedValueOnce(new UpstreamUnavailableError('Scalekit', 'down'));
    await expect(openLink(token)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(await openLink(token)).toBeDefined();
  });

  it('refuses a return from another browser, a wrong state, or a replay', async () => {
    const opened = (await openLink(await newLinkToken()))!;
    const state = new URL(opened.redirectUrl).searchParams.get('state')!;
    await expect(browser.complete(undefined, new URLSearchParams({ auth_request_id: 'x', state }))).rejects.toBeInstanceOf(BadInputError);
    await expect(browser.complete('someone-elses-cookie', new URLSearchParams({ state }))).rejects.toBeInstanceOf(BadInputError);
    await expect(browser.complete(opened.sessionToken, new URLSearchParams({ auth_request_id: 'x', state: 'forged' }))).rejects.toBeInstanceOf(BadInputError);
    await expect(browser.complete(opened.sessionToken, new URLSearchParams({ auth_request_id: 'x' }))).rejects.toBeInstanceOf(BadInputError);
    expect(agentAuth.completeAuthorization).not.toHaveBeenCalled();
    // The forged returns used nothing up: the rightful return still completes, once.
    await expect(browser.complete(opened.sessionToken, new URLSearchParams({ auth_request_id: 'x', state }))).resolves.toMatchObject({ status: 'ACTIVE' });
    await expect(browser.complete(opened.sessionToken, new URLSearchParams({ auth_request_id: 'x', state }))).rejects.toBeInstanceOf(BadInputError);
  });

  it('refuses anyone but the link user, and keeps the link for them', async () => {
    const token = await newLinkToken();
    expect(await openLink(token, { ...alice, userId: 'U0SOMEONE' })).toBeUndefined();
    expect(await openLink(token, { ...alice, teamId: 'T0OTHER' })).toBeUndefined();
    expect(agentAuth.createAuthorizationLink).not.toHaveBeenCalled();
    expect(await openLink(token)).toBeDefined();
  });

  it("refuses Slack's return to a browser that did not start it", async () => {
    const started = (await browser.startSignIn(await newLinkToken()))!;
    const code = `${alice.teamId}:${alice.userId}`;
    await expect(browser.finishSignIn(undefined, new URLSearchParams({ state: started.pending.state, code }))).rejects.toBeInstanceOf(BadInputError);
    await expect(browser.finishSignIn(started.pending, new URLSearchParams({ state: 'forged', code }))).rejects.toBeInstanceOf(BadInputError);
  });
});
