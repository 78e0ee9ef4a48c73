import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserAuthorization } from '../../../src/actions/browserAuthorization.ts';
import { RequestAuthorization } from '../../../src/actions/requestAuthorization.ts';
import type { AgentAuth } from '../../../src/agentAuth/port.ts';
import { BadInputError, UpstreamUnavailableError } from '../../../src/core/errors.ts';
import { openDatabase, type Database } from '../../../src/infrastructure/storage/database.ts';
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
    completeAuthorization: vi.fn(async () => 'ACTIVE' as const),
    disconnect: vi.fn(async () => {}),
  };
  const links = new SqlAuthLinkStore(db);
  const clock = () => now;
  request = new RequestAuthorization({ agentAuth, links, keptRequests: new SqlKeptRequestStore(db), publicUrl: 'https://bot.test', now: clock });
  browser = new BrowserAuthorization({ agentAuth, links, sessions: new SqlAuthSessionStore(db), returnUrl: 'https://bot.test/auth/callback', now: clock });
});

async function newLinkToken(): Promise<string> {
  const pending = await request.run({ requester: alice, identifier: 'id-1', connection: 'gmail', action: 'unread.list', input: { count: 5 } });
  expect(pending.linkUrl).toMatch(/^https:\/\/bot\.test\/connect\/[\w-]{40,}$/);
  return pending.linkUrl.split('/').pop() as string;
}

describe('browser authorization', () => {
  it('binds the browser, then completes for the link user', async () => {
    const opened = await browser.openLink(await newLinkToken());
    expect(opened).toBeDefined();
    const state = new URL(opened!.redirectUrl).searchParams.get('state')!;
    const done = await browser.complete(opened!.sessionToken, new URLSearchParams({ auth_request_id: 'ar1', state }));
    expect(done).toMatchObject({ identifier: 'id-1', connection: 'gmail', requester: alice, status: 'ACTIVE' });
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
    expect(await browser.openLink(token)).toBeDefined();
    expect(await browser.openLink(token)).toBeUndefined();
    const late = await newLinkToken();
    now = new Date(now.getTime() + 11 * 60_000);
    expect(await browser.openLink(late)).toBeUndefined();
    expect(await browser.openLink('made-up')).toBeUndefined();
  });

  it('keeps the link usable when the agent-auth service is down', async () => {
    const token = await newLinkToken();
    vi.mocked(agentAuth.createAuthorizationLink).mockRejectedValueOnce(new UpstreamUnavailableError('Scalekit', 'down'));
    await expect(browser.openLink(token)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(await browser.openLink(token)).toBeDefined();
  });

  it('refuses a return from another browser, a wrong state, or a replay', async () => {
    const opened = (await browser.openLink(await newLinkToken()))!;
    const state = new URL(opened.redirectUrl).searchParams.get('state')!;
    await expect(browser.complete(undefined, new URLSearchParams({ auth_request_id: 'x', state }))).rejects.toBeInstanceOf(BadInputError);
    await expect(browser.complete('someone-elses-cookie', new URLSearchParams({ state }))).rejects.toBeInstanceOf(BadInputError);
    await expect(browser.complete(opened.sessionToken, new URLSearchParams({ auth_request_id: 'x', state: 'forged' }))).rejects.toBeInstanceOf(BadInputError);
    // The failed attempt used the session up: a replay with the right state connects nothing.
    await expect(browser.complete(opened.sessionToken, new URLSearchParams({ auth_request_id: 'x', state }))).rejects.toBeInstanceOf(BadInputError);
    expect(agentAuth.completeAuthorization).not.toHaveBeenCalled();
  });
});
