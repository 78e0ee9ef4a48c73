/**
 * Agent Auth through Scalekit's official SDK. Scalekit holds the users' OAuth tokens; we read the
 * access token through the SDK and cache it until shortly before it expires, so a warm request
 * makes no call to Scalekit at all.
 */
import { BadInputError, NeedsAuthorizationError } from '../../core/errors.ts';
import type { AccessToken, AccountRef, AccountStatus, AgentAuth, AuthorizationLink, CompletedAccount } from '../port.ts';
import { fromScalekitError, isNotFound, isRefusal } from './scalekitErrors.ts';
import { TokenCache } from '../tokenCache.ts';
import { loadedScalekitSdk, loadScalekitSdk, type ActionsClient } from './sdk.ts';

export interface ScalekitAgentAuthOptions {
  /** The SDK's client, or how to make it on first use (the SDK is loaded then: see sdk.ts). */
  actions: ActionsClient | (() => Promise<ActionsClient>);
  now?: () => Date;
  /** How long before its expiry a cached token stops being used. */
  refreshMarginMs?: number;
  /** How long to keep a token whose expiry Scalekit did not give. */
  unknownExpiryTtlMs?: number;
}

const STATUS_NAMES = ['ACTIVE', 'EXPIRED', 'PENDING_AUTH', 'PENDING_VERIFICATION', 'DISCONNECTED'] as const;

/** A status number from an SDK answer (so the SDK is loaded) as the port names it. */
export function statusName(status: number | undefined): AccountStatus {
  const names = loadedScalekitSdk()?.ConnectorStatus;
  if (status === undefined || !names) return 'UNKNOWN';
  return STATUS_NAMES.find((name) => names[name] === status) ?? 'UNKNOWN';
}

export class ScalekitAgentAuth implements AgentAuth {
  private readonly client: () => Promise<ActionsClient>;
  private readonly cache: TokenCache;

  constructor(options: ScalekitAgentAuthOptions) {
    const { actions } = options;
    let made: Promise<ActionsClient> | undefined;
    // Loaded even when the client is given, since the answers and errors are read with the SDK's own enums and classes.
    this.client = () => (made ??= loadScalekitSdk().then(() => (typeof actions === 'function' ? actions() : actions)));
    this.cache = new TokenCache({
      now: options.now ?? (() => new Date()),
      refreshMarginMs: options.refreshMarginMs ?? 60_000,
      unknownExpiryTtlMs: options.unknownExpiryTtlMs ?? 5 * 60_000,
    });
  }

  async ensureAccount(ref: AccountRef): Promise<AccountStatus> {
    try {
      const { connectedAccount } = await (await this.client()).getOrCreateConnectedAccount({
        connectionName: ref.connection,
        identifier: ref.identifier,
      });
      return statusName(connectedAccount?.status);
    } catch (error) {
      throw fromScalekitError(error, 'getting the connected account');
    }
  }

  status(ref: AccountRef): Promise<AccountStatus> {
    return this.readStatus(ref);
  }

  getAccessToken(ref: AccountRef, options: { forceFresh?: boolean } = {}): Promise<AccessToken> {
    if (options.forceFresh) this.cache.drop(ref);
    return this.cache.get(ref, () => this.readToken(ref));
  }

  invalidateToken(ref: AccountRef): void {
    this.cache.drop(ref);
  }

  async createAuthorizationLink(
    ref: AccountRef,
    options: { returnUrl: string; state: string },
  ): Promise<AuthorizationLink> {
    try {
      const response = await (await this.client()).getAuthorizationLink({
        connectionName: ref.connection,
        identifier: ref.identifier,
        state: options.state,
        userVerifyUrl: options.returnUrl,
      });
      if (!response.link) throw new Error('Scalekit returned no authorization link');
      const expirySeconds = response.expiry?.seconds;
      return {
        url: response.link,
        expiresAt: expirySeconds !== undefined ? new Date(Number(expirySeconds) * 1000) : undefined,
      };
    } catch (error) {
      throw fromScalekitError(error, 'creating an authorization link');
    }
  }

  async completeAuthorization(ref: AccountRef, query: URLSearchParams): Promise<CompletedAccount> {
    const authRequestId = query.get('auth_request_id');
    if (!authRequestId) throw new BadInputError('The return from Scalekit carried no auth_request_id.');
    try {
      await (await this.client()).verifyConnectedAccountUser({ authRequestId, identifier: ref.identifier });
    } catch (error) {
      if (isRefusal(error)) throw new BadInputError('Scalekit did not accept this authorization.');
      throw fromScalekitError(error, 'verifying the connected account user');
    }
    this.cache.drop(ref);
    // No address: neither the verification answer nor Scalekit's connected account (id, identifier,
    // connector, provider, status, authorization details: tokens, scopes, domain) names the
    // provider account, so the DM says only which connection was connected.
    return { status: await this.readStatus(ref) };
  }

  async disconnect(ref: AccountRef): Promise<void> {
    try {
      // Scalekit revokes at the provider and deletes the account on its side.
      await (await this.client()).deleteConnectedAccount({ connectionName: ref.connection, identifier: ref.identifier });
    } catch (error) {
      if (isNotFound(error)) return;
      throw fromScalekitError(error, 'deleting the connected account');
    } finally {
      this.cache.drop(ref);
    }
  }

  private async readStatus(ref: AccountRef): Promise<AccountStatus> {
    try {
      const { connectedAccount } = await (await this.client()).getConnectedAccount({
        connectionName: ref.connection,
        identifier: ref.identifier,
      });
      return statusName(connectedAccount?.status);
    } catch (error) {
      if (isNotFound(error)) return 'UNKNOWN';
      throw fromScalekitError(error, 'reading the connected account');
    }
  }

  private async readToken(ref: AccountRef): Promise<AccessToken> {
    let response;
    try {
      response = await (await this.client()).getConnectedAccount({ connectionName: ref.connection, identifier: ref.identifier });
    } catch (error) {
      if (isNotFound(error)) throw new NeedsAuthorizationError(ref.connection, 'no connected account yet');
      throw fromScalekitError(error, 'reading the access token');
    }
    const account = response.connectedAccount;
    const status = statusName(account?.status);
    if (!account || status !== 'ACTIVE') throw new NeedsAuthorizationError(ref.connection, `account is ${status}`);
    const details = account.authorizationDetails?.details;
    if (details?.case !== 'oauthToken' || !details.value.accessToken) {
      throw new NeedsAuthorizationError(ref.connection, 'account has no OAuth access token');
    }
    const expiresSeconds = account.tokenExpiresAt?.seconds;
    return {
      value: details.value.accessToken,
      expiresAt: expiresSeconds !== undefined && expiresSeconds > 0n ? new Date(Number(expiresSeconds) * 1000) : undefined,
    };
  }
}
