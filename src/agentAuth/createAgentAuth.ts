/**
 * Builds the agent-auth backend the settings choose: Scalekit, or the built-in one (OAuth with
 * PKCE, the encrypted vault in the bot's own database). Part of the composition root, kept apart so
 * app.ts stays a short wiring file. Connectors come in already described (the connectors layer owns
 * the descriptions); this adds the deployment's client credentials.
 */
import type { Dispatcher } from 'undici';
import { Keyring, keyIdOf } from '../infrastructure/crypto/keyring.ts';
import type { AgentAuthConfig } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import { SqlConnectedAccountStore } from '../infrastructure/storage/sqlConnectedAccountStore.ts';
import { SqlOAuthFlowStore } from '../infrastructure/storage/sqlOAuthFlowStore.ts';
import { LocalAgentAuth } from './local/localAgentAuth.ts';
import { OAuthClient } from './local/oauthClient.ts';
import type { OAuthConnector } from './local/ports.ts';
import { TokenVault } from './local/tokenVault.ts';
import type { AgentAuth } from './port.ts';
import { ScalekitAgentAuth } from './scalekit/scalekitAgentAuth.ts';
import { loadScalekitSdk } from './scalekit/sdk.ts';

/** A connector as described, before this deployment's client credentials are added. */
export type DescribedConnector = Omit<OAuthConnector, 'clientId' | 'clientSecret'> & { provider: string };

export interface AgentAuthDeps {
  /** By connection name; only the built-in backend reads them (Scalekit keeps its own). */
  connectors: Record<string, DescribedConnector>;
  db: Database;
  dispatcher: Dispatcher;
  logger: Logger;
  now: () => Date;
  /** How long a request to Scalekit may take (default 8 s). */
  upstreamTimeoutMs?: number;
  /**
   * Scales the SDK's waits between its retries of an unavailable Scalekit (1, 2, 4 s with jitter,
   * three retries): tests pass a fraction so that "Scalekit is down" ends in well under a second.
   * The SDK has no setting for it, so its client's own `sleep` is wrapped. Production leaves it unset.
   */
  scalekitBackoffScale?: number;
}

/** The settings' endpoint overrides per provider, in the shape connector descriptions take. */
export function endpointOverrides(settings: AgentAuthConfig) {
  if (settings.kind !== 'local') return {};
  const { authorizationUrl, tokenUrl, revocationUrl } = settings.google;
  return { google: { authorizationUrl, tokenUrl, revocationUrl } };
}

/** See `AgentAuthDeps.scalekitBackoffScale`. Fails loudly if the SDK no longer has the method. */
function scaleSdkBackoff(client: object, scale: number): void {
  const core = (client as { coreClient?: { sleep?: (ms: number) => Promise<void> } }).coreClient;
  const sleep = core?.sleep;
  if (!core || typeof sleep !== 'function') throw new Error('the Scalekit SDK no longer has coreClient.sleep: scalekitBackoffScale cannot apply');
  core.sleep = (ms: number) => sleep.call(core, ms * scale);
}

export async function createAgentAuth(settings: AgentAuthConfig, deps: AgentAuthDeps): Promise<AgentAuth> {
  const { logger, now } = deps;
  if (settings.kind === 'scalekit') {
    logger.info({ backend: 'scalekit' }, 'agent auth: Scalekit');
    // The SDK is loaded on the first call to Scalekit, not at start (see scalekit/sdk.ts).
    const actions = async () => {
      const { ScalekitClient } = await loadScalekitSdk();
      const client = new ScalekitClient(settings.envUrl, settings.clientId, settings.clientSecret, { timeoutMs: deps.upstreamTimeoutMs ?? 8_000 });
      if (deps.scalekitBackoffScale !== undefined) scaleSdkBackoff(client, deps.scalekitBackoffScale);
      return client.actions;
    };
    return new ScalekitAgentAuth({ actions, now });
  }

  const credentials: Record<string, { clientId: string; clientSecret: string }> = { google: settings.google };
  const connectors = Object.fromEntries(
    Object.entries(deps.connectors).map(([connection, { provider, ...described }]) => {
      const client = credentials[provider];
      if (!client) throw new Error(`no client credentials are configured for the provider ${provider}`);
      return [connection, { ...described, clientId: client.clientId, clientSecret: client.clientSecret }];
    }),
  );
  const keyring = new Keyring(settings.encryptionKeys);
  if (settings.generatedKey) {
    logger.warn(
      'TOKEN_ENCRYPTION_KEY is not set: development mode made up a key for this run only, so connections made now ' +
        'will not survive a restart. Set TOKEN_ENCRYPTION_KEY (openssl rand -base64 32) to keep them.',
    );
  }
  const accounts = new SqlConnectedAccountStore(deps.db);
  await reportKeyUse(accounts, keyring, settings.encryptionKeys, logger);
  logger.info({ backend: 'local', connections: Object.keys(connectors), keyId: keyring.currentKeyId }, 'agent auth: built in');
  return new LocalAgentAuth({
    connectors,
    accounts,
    flows: new SqlOAuthFlowStore(deps.db),
    vault: new TokenVault(keyring),
    oauth: new OAuthClient({ dispatcher: deps.dispatcher }),
    now,
    logger,
  });
}

/** Tells the operator which keys the stored tokens use, so an old key is dropped only once unused. */
async function reportKeyUse(accounts: SqlConnectedAccountStore, keyring: Keyring, keys: Uint8Array[], logger: Logger) {
  const inUse = await accounts.countByKeyId();
  const known = new Set(keys.map(keyIdOf));
  const unknown = Object.keys(inUse).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    logger.warn(
      { keyIds: unknown },
      'some stored tokens were encrypted under keys TOKEN_ENCRYPTION_KEY no longer holds; those users will be asked to connect again',
    );
  }
  const old = Object.keys(inUse).filter((id) => id !== keyring.currentKeyId && known.has(id));
  if (old.length > 0) logger.info({ countsByKeyId: inUse }, 'some stored tokens still use an older key; they move to the newest as they are refreshed');
}
