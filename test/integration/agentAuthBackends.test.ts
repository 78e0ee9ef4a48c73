/**
 * The agent-auth port, held to the same answers by both backends: Scalekit (its emulator, through
 * the real SDK) and the built-in one (oauth2-mock-server as the provider, SQLite in memory, built by
 * createAgentAuth as the bot builds it). Then what only the built-in backend does itself: refusing
 * replayed or misdirected returns, leaving an account alone when the user declines, and
 * disconnecting by revoking at the provider before deleting the tokens.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScalekitClient } from '@scalekit-sdk/node';
import { createAgentAuth } from '../../src/agentAuth/createAgentAuth.ts';
import type { AccountRef, AgentAuth } from '../../src/agentAuth/port.ts';
import { ScalekitAgentAuth } from '../../src/agentAuth/scalekit/scalekitAgentAuth.ts';
import { resolveConnector } from '../../src/connectors/providers.ts';
import { BadInputError, NeedsAuthorizationError, UpstreamUnavailableError } from '../../src/core/errors.ts';
import { createUpstreamDispatcher } from '../../src/infrastructure/http/dispatcher.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import type { Database } from '../../src/infrastructure/storage/database.ts';
import { openDatabase } from '../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../src/infrastructure/storage/migrations.ts';
import { startOAuthProvider, type OAuthProviderStandin } from '../standins/oauthProvider.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';

const RETURN_URL = 'http://127.0.0.1:9/auth/callback';
let provider: OAuthProviderStandin;
let emulator: ScalekitEmulator;
let db: Database;
const dispatcher = createUpstreamDispatcher();
let local: AgentAuth;
let scalekit: AgentAuth;
let n = 0;
const nextRef = (): AccountRef => ({ connection: 'gmail', identifier: `slack:T:T1:U${++n}` });
const newState = () => randomBytes(32).toString('base64url');

/** Plays the provider's side of an authorization: where it sends the browser back to. */
async function returnFrom(auth: AgentAuth, ref: AccountRef, state = newState()): Promise<URLSearchParams> {
  const link = await auth.createAuthorizationLink(ref, { returnUrl: RETURN_URL, state });
  const response = await fetch(link.url, { redirect: 'manual' });
  return new URL(response.headers.get('location') as string).searchParams;
}

async function activateLocal(ref: AccountRef): Promise<void> {
  expect(await local.completeAuthorization(ref, await returnFrom(local, ref))).toMatchObject({ status: 'ACTIVE' });
}

beforeAll(async () => {
  provider = await startOAuthProvider();
  emulator = await startScalekitEmulator({ clientId: 'skc_test', clientSecret: 'scalekit-secret' });
  db = await openDatabase('memory://');
  await migrate(db);
  const { authorizationUrl, tokenUrl, revocationUrl } = provider;
  local = await createAgentAuth(
    {
      kind: 'local',
      google: { clientId: 'client-id', clientSecret: 'client-secret', authorizationUrl, tokenUrl, revocationUrl },
      encryptionKeys: [randomBytes(32)],
      generatedKey: false,
    },
    {
      connectors: { gmail: resolveConnector('gmail', { google: { authorizationUrl, tokenUrl, revocationUrl } }) },
      db,
      dispatcher,
      logger: createLogger({ level: 'silent' }),
      now: () => new Date(),
    },
  );
  const client = new ScalekitClient(emulator.url, emulator.clientId, emulator.clientSecret);
  scalekit = new ScalekitAgentAuth({ actions: client.actions });
});
afterAll(async () => {
  await dispatcher.close();
  await Promise.all([provider?.close(), emulator?.close(), db?.close()]);
});
beforeEach(() => provider.reset());

describe.each([
  ['Scalekit', () => scalekit, (ref: AccountRef) => emulator.setAccount(ref.connection, ref.identifier, { status: 'ACTIVE', accessToken: 'ya29.x', expiresAt: new Date(Date.now() + 3600_000) })],
  ['the built-in backend', () => local, activateLocal],
] as const)('the port, served by %s', (_name, auth, activate) => {
  it('creates an account once, not yet authorized', async () => {
    const ref = nextRef();
    expect(await auth().ensureAccount(ref)).toBe('PENDING_AUTH');
    expect(await auth().ensureAccount(ref)).toBe('PENDING_AUTH');
  });

  it('reads an account\'s status without creating it', async () => {
    const ref = nextRef();
    expect(await auth().status(ref)).toBe('UNKNOWN');
    expect(await auth().status(ref)).toBe('UNKNOWN');
    await auth().ensureAccount(ref);
    expect(await auth().status(ref)).toBe('PENDING_AUTH');
    await activate(ref);
    expect(await auth().status(ref)).toBe('ACTIVE');
  });

  it('asks for authorization before it has a token', async () => {
    const ref = nextRef();
    await expect(auth().getAccessToken(ref)).rejects.toBeInstanceOf(NeedsAuthorizationError);
    await auth().ensureAccount(ref);
    await expect(auth().getAccessToken(ref)).rejects.toBeInstanceOf(NeedsAuthorizationError);
  });

  it('gives an authorization link for an account it has', async () => {
    const ref = nextRef();
    await auth().ensureAccount(ref);
    const link = await auth().createAuthorizationLink(ref, { returnUrl: RETURN_URL, state: newState() });
    expect(() => new URL(link.url)).not.toThrow();
  });

  it('gives a token once authorized, and none after a disconnect, which starts the account afresh', async () => {
    const ref = nextRef();
    await auth().ensureAccount(ref);
    await activate(ref);
    expect((await auth().getAccessToken(ref)).value.length).toBeGreaterThan(0);
    await auth().disconnect(ref);
    await expect(auth().getAccessToken(ref)).rejects.toBeInstanceOf(NeedsAuthorizationError);
    expect(await auth().ensureAccount(ref)).toBe('PENDING_AUTH');
  });

  it('disconnects an account that does not exist without complaint', async () => {
    await expect(auth().disconnect(nextRef())).resolves.toBeUndefined();
  });
});

describe('the built-in backend, on its own', () => {
  const exchanges = () => provider.tokenCalls.filter((c) => c.grantType === 'authorization_code');

  it('refuses a replayed return: the flow is used up', async () => {
    const ref = nextRef();
    const query = await returnFrom(local, ref);
    expect(await local.completeAuthorization(ref, query)).toMatchObject({ status: 'ACTIVE' });
    await expect(local.completeAuthorization(ref, query)).rejects.toThrow(/expired or was already used/);
    expect(exchanges()).toHaveLength(1);
  });

  it("refuses another account's return, leaving that flow to its owner", async () => {
    const [owner, other] = [nextRef(), nextRef()];
    const query = await returnFrom(local, owner);
    await local.ensureAccount(other);
    await expect(local.completeAuthorization(other, query)).rejects.toBeInstanceOf(BadInputError);
    await expect(local.getAccessToken(other)).rejects.toBeInstanceOf(NeedsAuthorizationError);
    expect(await local.completeAuthorization(owner, query)).toMatchObject({ status: 'ACTIVE' });
  });

  it('leaves an ACTIVE account as it was when the user declines a new authorization', async () => {
    const ref = nextRef();
    await activateLocal(ref);
    const before = await local.getAccessToken(ref);
    provider.reset();
    provider.denyNextAuthorization();
    await expect(local.completeAuthorization(ref, await returnFrom(local, ref))).rejects.toThrow('You declined access to Gmail');
    expect(provider.tokenCalls).toEqual([]);
    expect(await local.ensureAccount(ref)).toBe('ACTIVE');
    expect(await local.getAccessToken(ref)).toEqual(before);
  });

  it('revokes the grant at the provider on disconnect, then forgets the tokens', async () => {
    const ref = nextRef();
    await activateLocal(ref);
    const { value: accessToken } = await local.getAccessToken(ref);
    await local.disconnect(ref);
    expect(provider.revocations).toHaveLength(1);
    const revoked = provider.revocations[0] as string;
    expect(provider.issued).toContain(revoked);
    expect(revoked).not.toBe(accessToken); // the refresh token: for Google it revokes the whole grant
    const refresh = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: revoked }),
    });
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    const rows = await db.query('SELECT * FROM connected_accounts WHERE identifier = $1', [ref.identifier]);
    expect(rows).toEqual([]);
  });

  it('keeps the account when the provider cannot be reached to revoke, so asking again can', async () => {
    const ref = nextRef();
    await activateLocal(ref);
    provider.failNextToken({ endpoint: 'revoke', status: 503, body: {} }, 3);
    await expect(local.disconnect(ref)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(await local.ensureAccount(ref)).toBe('ACTIVE');
    await local.disconnect(ref);
    await expect(local.getAccessToken(ref)).rejects.toBeInstanceOf(NeedsAuthorizationError);
  });

  it('still forgets the tokens when the provider refuses the revocation outright', async () => {
    const ref = nextRef();
    await activateLocal(ref);
    provider.failNextToken({ endpoint: 'revoke', status: 400, body: { error: 'unsupported_token_type' } });
    await local.disconnect(ref);
    expect(provider.revocations).toEqual([]);
    await expect(local.getAccessToken(ref)).rejects.toBeInstanceOf(NeedsAuthorizationError);
  });
});
