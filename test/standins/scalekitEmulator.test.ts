/**
 * Drives the REAL `ScalekitClient` against the Scalekit emulator, to prove the emulator
 * speaks the SDK's protocol (token flow, gRPC messages, error codes) well enough for the
 * bot's tests to rely on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '@connectrpc/connect';
import { ScalekitClient, ScalekitServerException } from '@scalekit-sdk/node';
import { ConnectorStatus } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connected_accounts/connected_accounts_pb.js';
import { startScalekitEmulator } from './scalekitEmulator.ts';
import type { ScalekitEmulator } from './scalekitEmulator.ts';

const CONNECTION = 'gmail';
const USER = 'U_ALICE';
const VERIFY_URL = 'https://bot.example.test/scalekit/verify';

/** Protobuf Timestamp -> Date, without depending on @bufbuild/protobuf directly. */
function timestampToDate(ts: { seconds: bigint; nanos: number }): Date {
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000));
}

/** Resolves to how the promise settled, so tests can assert on rejections of any type. */
async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('scalekit emulator, driven by the real ScalekitClient', () => {
  let emulator: ScalekitEmulator;
  let client: ScalekitClient;

  beforeAll(async () => {
    emulator = await startScalekitEmulator({ clientId: 'skc_test', clientSecret: 'test-secret' });
    client = new ScalekitClient(emulator.url, emulator.clientId, emulator.clientSecret);
  });

  afterAll(async () => {
    await emulator.close();
  });

  // The steps below share one account and run in order: together they are the bot's
  // "connect your Gmail" flow.
  describe('connect flow', () => {
    let authRequestId = '';

    it('getOrCreateConnectedAccount creates a PENDING_AUTH account (after fetching a token)', async () => {
      const { connectedAccount } = await client.actions.getOrCreateConnectedAccount({
        connectionName: CONNECTION,
        identifier: USER,
      });

      expect(connectedAccount?.status).toBe(ConnectorStatus.PENDING_AUTH);
      expect(connectedAccount?.identifier).toBe(USER);
      expect(connectedAccount?.connector).toBe(CONNECTION);
      // First call goes out without a token, is refused, the SDK fetches one and retries;
      // the retried Get answers NotFound, which makes getOrCreate call Create.
      expect(emulator.tokenRequests).toBe(1);
      expect(emulator.attempts).toMatchObject({ GetConnectedAccountAuth: 2, CreateConnectedAccount: 1 });
      expect(emulator.calls).toMatchObject({ GetConnectedAccountAuth: 1, CreateConnectedAccount: 1 });
      expect(emulator.getAccount(CONNECTION, USER)).toEqual({ status: 'PENDING_AUTH' });
    });

    it('getAuthorizationLink returns a time-limited link', async () => {
      const { link, expiry } = await client.actions.getAuthorizationLink({
        connectionName: CONNECTION,
        identifier: USER,
        state: 'state-123',
        userVerifyUrl: VERIFY_URL,
      });

      expect(link.startsWith(`${emulator.url}/magic/`)).toBe(true);
      expect(expiry && timestampToDate(expiry).getTime()).toBeGreaterThan(Date.now());
      expect(emulator.lastMagicLinkRequest).toEqual({
        connection: CONNECTION,
        identifier: USER,
        state: 'state-123',
        userVerifyUrl: VERIFY_URL,
      });

      // The "browser" opens the link: consent completes and it is sent back to the app.
      const response = await fetch(link, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(VERIFY_URL);
      expect(location.searchParams.get('state')).toBe('state-123');
      authRequestId = location.searchParams.get('auth_request_id') ?? '';
      expect(authRequestId).not.toBe('');
      expect(emulator.getAccount(CONNECTION, USER)?.status).toBe('PENDING_VERIFICATION');

      // A magic link works once.
      expect((await fetch(link, { redirect: 'manual' })).status).toBe(410);
    });

    it('verifyConnectedAccountUser rejects another identifier and leaves the account alone', async () => {
      const outcome = await settle(
        client.actions.verifyConnectedAccountUser({ authRequestId, identifier: 'U_MALLORY' }),
      );

      expect(outcome.ok).toBe(false);
      const error = outcome.ok ? undefined : outcome.error;
      expect(error).toBeInstanceOf(ScalekitServerException);
      expect((error as ScalekitServerException).grpcStatus).toBe(Code.PermissionDenied);
      expect(emulator.getAccount(CONNECTION, USER)?.status).toBe('PENDING_VERIFICATION');
    });

    it('verifyConnectedAccountUser with the right identifier activates the account', async () => {
      await client.actions.verifyConnectedAccountUser({ authRequestId, identifier: USER });

      expect(emulator.getAccount(CONNECTION, USER)?.status).toBe('ACTIVE');
      // The auth request is consumed.
      const replay = await settle(client.actions.verifyConnectedAccountUser({ authRequestId, identifier: USER }));
      expect(replay.ok ? undefined : (replay.error as ScalekitServerException).grpcStatus).toBe(Code.NotFound);
    });

    it('getConnectedAccount returns the access token and its expiry', async () => {
      const { connectedAccount } = await client.actions.getConnectedAccount({
        connectionName: CONNECTION,
        identifier: USER,
      });

      expect(connectedAccount?.status).toBe(ConnectorStatus.ACTIVE);
      const details = connectedAccount?.authorizationDetails?.details;
      expect(details?.case).toBe('oauthToken');
      const accessToken = details?.case === 'oauthToken' ? details.value.accessToken : '';
      expect(accessToken).toBe(emulator.getAccount(CONNECTION, USER)?.accessToken);
      expect(accessToken).not.toBe('');
      const expiresAt = connectedAccount?.tokenExpiresAt && timestampToDate(connectedAccount.tokenExpiresAt);
      expect(expiresAt?.getTime()).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
    });
  });

  it('serves seeded accounts and answers NotFound for unknown ones', async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    emulator.setAccount(CONNECTION, 'U_BOB', { status: 'EXPIRED', accessToken: 'stale-token', expiresAt });

    const { connectedAccount } = await client.actions.getConnectedAccount({ connectionName: CONNECTION, identifier: 'U_BOB' });
    expect(connectedAccount?.status).toBe(ConnectorStatus.EXPIRED);
    expect(connectedAccount?.tokenExpiresAt && timestampToDate(connectedAccount.tokenExpiresAt)).toEqual(expiresAt);

    const missing = await settle(client.actions.getConnectedAccount({ connectionName: CONNECTION, identifier: 'U_NOBODY' }));
    expect(missing.ok ? undefined : (missing.error as ScalekitServerException).grpcStatus).toBe(Code.NotFound);
  });

  it('fails fast enough when the service is down (the SDK retries Unavailable with backoff)', async () => {
    emulator.setDown(true);
    emulator.resetCounts();
    try {
      const started = Date.now();
      const outcome = await settle(client.actions.getConnectedAccount({ connectionName: CONNECTION, identifier: USER }));
      const elapsedMs = Date.now() - started;

      expect(outcome.ok).toBe(false);
      expect((outcome.ok ? undefined : (outcome.error as ScalekitServerException))?.grpcStatus).toBe(Code.Unavailable);
      // 1 call + 3 retries after jittered sleeps of 0.5-1 s, 1-2 s, 2-4 s: 3.5-7 s in all.
      expect(emulator.attempts.GetConnectedAccountAuth).toBe(4);
      expect(elapsedMs).toBeGreaterThanOrEqual(3_000);
      expect(elapsedMs).toBeLessThan(10_000);
      expect((await fetch(`${emulator.url}/oauth/token`, { method: 'POST' })).status).toBe(503);
    } finally {
      emulator.setDown(false);
    }
  }, 15_000);

  it('rejects a wrong client secret at the token endpoint', async () => {
    const impostor = new ScalekitClient(emulator.url, emulator.clientId, 'not-the-secret');

    const outcome = await settle(impostor.actions.getConnectedAccount({ connectionName: CONNECTION, identifier: USER }));

    // The SDK lets the token request's AxiosError escape unwrapped (not a ScalekitException).
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toMatchObject({
      response: { status: 401, data: { error: 'invalid_client' } },
    });
  });
});
