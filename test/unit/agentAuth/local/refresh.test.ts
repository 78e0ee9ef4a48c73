/**
 * Refreshing access tokens in the built-in backend: once per account however many ask (in one
 * instance and across two), before expiry, with rotation, and what invalid_grant and transient
 * failures do to the account. A fake token endpoint on a real socket; the embedded database and a
 * PostgreSQL server, where two instances' queries really do race.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalAgentAuth } from '../../../../src/agentAuth/local/localAgentAuth.ts';
import { OAuthClient } from '../../../../src/agentAuth/local/oauthClient.ts';
import type { OAuthConnector } from '../../../../src/agentAuth/local/ports.ts';
import { TokenVault } from '../../../../src/agentAuth/local/tokenVault.ts';
import { NeedsAuthorizationError, UpstreamUnavailableError } from '../../../../src/core/errors.ts';
import { Keyring, keyIdOf } from '../../../../src/infrastructure/crypto/keyring.ts';
import type { Database } from '../../../../src/infrastructure/storage/database.ts';
import { SqlConnectedAccountStore } from '../../../../src/infrastructure/storage/sqlConnectedAccountStore.ts';
import { SqlOAuthFlowStore } from '../../../../src/infrastructure/storage/sqlOAuthFlowStore.ts';
import { DATABASE_KINDS, openMigrated } from '../../../helpers/databases.ts';
import { startFakeTokenEndpoint, type FakeTokenEndpoint } from './fakeTokenEndpoint.ts';

let db: Database;
let endpoint: FakeTokenEndpoint;
let now: Date;
let n = 0;
let ref: { connection: string; identifier: string };
const key = randomBytes(32);
const accounts = () => new SqlConnectedAccountStore(db);

function connector(): OAuthConnector {
  return {
    label: 'Gmail',
    providerLabel: 'Google',
    authorizationUrl: 'http://127.0.0.1:1/authorize',
    tokenUrl: endpoint.url,
    revocationUrl: undefined,
    scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
    authorizationParams: {},
    clientId: 'client-id',
    clientSecret: 'client-secret',
  };
}

/** The account store, counting its reads and able to hold them until released. */
class WatchedAccounts extends SqlConnectedAccountStore {
  reads = 0;
  private held: Array<() => void> | undefined;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const go of waiting) go();
  }

  override async find(account: { connection: string; identifier: string }) {
    this.reads += 1;
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    return super.find(account);
  }
}

function backend(keys: Uint8Array[] = [key], store: SqlConnectedAccountStore = accounts()): LocalAgentAuth {
  return new LocalAgentAuth({
    connectors: { gmail: connector() },
    accounts: store,
    flows: new SqlOAuthFlowStore(db),
    vault: new TokenVault(new Keyring(keys)),
    oauth: new OAuthClient({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } }),
    now: () => now,
    tokens: { pollMs: 10, leaseMs: 5_000 },
  });
}

/** An ACTIVE account whose access token runs out at `expiresAt`. */
async function seed(expiresAt: Date, tokens = { access: 'access-0', refresh: 'refresh-0' }): Promise<void> {
  const vault = new TokenVault(new Keyring([key]));
  await accounts().saveAuthorized(
    ref,
    {
      accessToken: vault.sealToken(ref, 'access', tokens.access),
      refreshToken: vault.sealToken(ref, 'refresh', tokens.refresh),
      expiresAt,
      scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
    },
    now,
  );
}

const refreshes = () => endpoint.requests.filter((r) => r.form.grant_type === 'refresh_token');
const ago = (ms: number) => new Date(now.getTime() - ms);
const later = (ms: number) => new Date(now.getTime() + ms);

describe.each(DATABASE_KINDS)('on the $name', (kind) => {
  beforeAll(async () => {
    db = await openMigrated(kind);
    endpoint = await startFakeTokenEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
    await db.close();
  });
  beforeEach(() => {
    now = new Date('2026-11-25T12:00:00Z');
    ref = { connection: 'gmail', identifier: `slack:T:T1:U${++n}` };
    endpoint.requests.length = 0;
    endpoint.setDelay(0);
    endpoint.setRotation(false);
  });

  describe('a token that is still fresh', () => {
    it('is used as it is, with no call to the token endpoint', async () => {
      await seed(later(30 * 60_000));
      expect(await backend().getAccessToken(ref)).toEqual({ value: 'access-0', expiresAt: later(30 * 60_000) });
      expect(endpoint.requests).toEqual([]);
    });
  });

  describe('a token that has run out or is about to', () => {
    it('is refreshed before use: within a minute of expiry counts as expired', async () => {
      await seed(later(30_000));
      const token = await backend().getAccessToken(ref);
      expect(token.value).toMatch(/^access-\d+$/);
      expect(token.value).not.toBe('access-0');
      expect(token.expiresAt).toEqual(later(3600_000));
      expect(refreshes()).toHaveLength(1);
      expect(refreshes()[0]).toEqual({
        contentType: 'application/x-www-form-urlencoded',
        form: { grant_type: 'refresh_token', refresh_token: 'refresh-0', client_id: 'client-id', client_secret: 'client-secret' },
      });
    });

    it('is refreshed once for 50 concurrent requests', async () => {
      await seed(ago(1));
      endpoint.setDelay(50);
      const auth = backend();
      const tokens = await Promise.all(Array.from({ length: 50 }, () => auth.getAccessToken(ref)));
      expect(refreshes()).toHaveLength(1);
      expect(new Set(tokens.map((t) => t.value)).size).toBe(1);
      // And the refreshed token is what the next request reads, without another call.
      expect((await auth.getAccessToken(ref)).value).toBe(tokens[0]?.value);
      expect(refreshes()).toHaveLength(1);
    });

    it('is read from the database once, not once per request, while cold', async () => {
      await seed(ago(1));
      endpoint.setDelay(20);
      const store = new WatchedAccounts(db);
      const auth = backend([key], store);
      const tokens = await Promise.all(Array.from({ length: 50 }, () => auth.getAccessToken(ref)));
      expect(new Set(tokens.map((t) => t.value)).size).toBe(1);
      expect(refreshes()).toHaveLength(1);
      // One read to find the token expired, one more under the refresh lease (freshness checked again).
      expect(store.reads).toBeLessThanOrEqual(2);
    });

    it('is refreshed once when two instances share the database', async () => {
      await seed(ago(1));
      endpoint.setDelay(50);
      const [one, two] = [backend(), backend()];
      const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).getAccessToken(ref)));
      expect(refreshes()).toHaveLength(1);
      expect(new Set(tokens.map((t) => t.value)).size).toBe(1);
    });

    it("waits for another instance's refresh and takes its result", async () => {
      await seed(ago(1));
      const store = accounts();
      expect(await store.takeRefreshLease(ref, 'other-instance', now, later(30_000))).toBeDefined();
      const waiting = backend().getAccessToken(ref);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const vault = new TokenVault(new Keyring([key]));
      await store.saveRefreshed(ref, { accessToken: vault.sealToken(ref, 'access', 'from-elsewhere'), refreshToken: undefined, expiresAt: later(3600_000), scopes: undefined }, now);
      await store.releaseRefreshLease(ref, 'other-instance');
      expect((await waiting).value).toBe('from-elsewhere');
      expect(refreshes()).toEqual([]);
    });

    it('keeps a rotated refresh token in place of the old one', async () => {
      await seed(ago(1));
      endpoint.setRotation(true);
      const auth = backend();
      await auth.getAccessToken(ref);
      now = later(2 * 3600_000);
      await auth.getAccessToken(ref);
      const sent = refreshes().map((r) => r.form.refresh_token);
      expect(sent[0]).toBe('refresh-0');
      expect(sent[1]).toMatch(/^refresh-\d+$/);
      expect(sent[1]).not.toBe('refresh-0');
    });

    it('keeps the old refresh token when none comes back, sealed again under the newest key', async () => {
      await seed(ago(1));
      const newKey = randomBytes(32);
      await backend([newKey, key]).getAccessToken(ref);
      const stored = await accounts().find(ref);
      expect(stored?.refreshToken?.split('.')[1]).toBe(keyIdOf(newKey));
      expect(new TokenVault(new Keyring([newKey])).openToken(ref, 'refresh', stored?.refreshToken as string)).toBe('refresh-0');
    });
  });

  describe('when the provider will not refresh', () => {
    it('marks the account EXPIRED on invalid_grant, clears its tokens, and asks for authorization', async () => {
      await seed(ago(1));
      endpoint.failNext({ status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } });
      const auth = backend();
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => auth.getAccessToken(ref)));
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(NeedsAuthorizationError);
      }
      expect(refreshes()).toHaveLength(1);
      expect(await accounts().find(ref)).toMatchObject({ status: 'EXPIRED', accessToken: undefined, refreshToken: undefined });
      expect(await auth.ensureAccount(ref)).toBe('EXPIRED');
    });

    it('retries a transient failure and keeps the account', async () => {
      await seed(ago(1));
      endpoint.failNext({ status: 503, body: { error: 'temporarily_unavailable' } });
      expect((await backend().getAccessToken(ref)).value).toMatch(/^access-/);
      expect(refreshes()).toHaveLength(2);
      expect((await accounts().find(ref))?.status).toBe('ACTIVE');
    });

    it('gives up after a few transient failures without expiring the account', async () => {
      await seed(ago(1));
      const down = { status: 503, body: {} };
      endpoint.failNext(down, down, down);
      await expect(backend().getAccessToken(ref)).rejects.toBeInstanceOf(UpstreamUnavailableError);
      expect(refreshes()).toHaveLength(3);
      const stored = await accounts().find(ref);
      expect(stored?.status).toBe('ACTIVE');
      expect(stored?.refreshToken).toBeDefined();
    });

    it("does not expire accounts over this deployment's own misconfiguration (invalid_client)", async () => {
      await seed(ago(1));
      endpoint.failNext({ status: 401, body: { error: 'invalid_client' } });
      await expect(backend().getAccessToken(ref)).rejects.toBeInstanceOf(UpstreamUnavailableError);
      expect(refreshes()).toHaveLength(1);
      expect((await accounts().find(ref))?.status).toBe('ACTIVE');
    });
  });

  describe('a token the API refused', () => {
    it('is refreshed on the next forced read, once for many callers', async () => {
      await seed(later(30 * 60_000));
      const auth = backend();
      await auth.getAccessToken(ref);
      auth.invalidateToken(ref);
      const tokens = await Promise.all(Array.from({ length: 20 }, () => auth.getAccessToken(ref, { forceFresh: true })));
      expect(refreshes()).toHaveLength(1);
      expect(tokens.every((t) => t.value !== 'access-0')).toBe(true);
    });
  });

  describe('a token refused while a shared read of its row is under way', () => {
    it('is not handed to the callers sharing that read: it is refreshed once for all of them', async () => {
      await seed(later(30 * 60_000));
      const store = new WatchedAccounts(db);
      const auth = backend([key], store);
      expect((await auth.getAccessToken(ref)).value).toBe('access-0');
      // The token is refused; a caller starts a cold read of the row, and a second joins it.
      auth.invalidateToken(ref);
      store.hold();
      const first = auth.getAccessToken(ref);
      await new Promise((resolve) => setImmediate(resolve));
      auth.invalidateToken(ref);
      const second = auth.getAccessToken(ref, { forceFresh: true });
      store.release();
      const tokens = await Promise.all([first, second]);
      expect(tokens.map((t) => t.value === 'access-0')).toEqual([false, false]);
      expect(tokens[0]).toEqual(tokens[1]);
      expect(refreshes()).toHaveLength(1);
    });
  });

  describe('a token that cannot be decrypted', () => {
    it('asks for authorization and leaves the stored token in place', async () => {
      await seed(later(30 * 60_000));
      await expect(backend([randomBytes(32)]).getAccessToken(ref)).rejects.toBeInstanceOf(NeedsAuthorizationError);
      expect((await accounts().find(ref))?.accessToken).toBeDefined();
      expect((await backend().getAccessToken(ref)).value).toBe('access-0');
    });
  });
});
