/**
 * Each workspace's bot token in the multi-workspace mode, as Bolt's `authorize` and every message
 * sent outside a listener need it. Read from the installation store (a minute's memory per
 * installation, so a busy workspace costs no database read or decryption per request), and, with
 * token rotation, refreshed before it runs out: once per installation however many requests need
 * it (single flight in this process; across instances a lease on the installation's row lets one
 * refresh while the others wait and read its result, as the built-in agent auth does for users'
 * tokens). A refresh token is single use: two instances spending it would lose the installation.
 *
 * InstallProvider#authorize can refresh too, but without any such coordination; it is not used.
 *
 * A refresh that fails (Slack unreachable, or the refresh token refused) while the current token is
 * still good leaves the workspace served with it: the refresh starts two hours before the expiry so
 * that such a failure costs nothing but a log line. The next try comes a minute later, not on every
 * request. A refused refresh token is an error in the log: only a reinstall brings a new one.
 */
import { randomUUID } from 'node:crypto';
import { installationKey, type BotInstallation, type InstallationStorePort, type WorkspaceRef } from '../../actions/installations.ts';
import type { Logger } from '../../infrastructure/logger.ts';

/** oauth.v2.access with grant_type=refresh_token: the new pair, or a thrown error. */
export type RefreshBotToken = (refreshToken: string) => Promise<{ accessToken: string; refreshToken: string; expiresInSeconds: number }>;

export class WorkspaceNotInstalledError extends Error {
  constructor() {
    super('the bot is not installed in this workspace (or its organisation)');
    this.name = 'WorkspaceNotInstalledError';
  }
}

export interface BotTokensDeps {
  store: InstallationStorePort;
  refresh: RefreshBotToken;
  now: () => Date;
  logger: Logger;
  /** A rotating token this close to its expiry is refreshed first (Slack's own SDKs use two hours). */
  refreshMarginMs?: number;
  /** How long an installation read from the store is used before it is read again. */
  memoryMs?: number;
  leaseMs?: number;
  pollMs?: number;
}

const TWO_HOURS_MS = 2 * 60 * 60_000;
/** After a failed refresh, the still-good token is used this long before the next try. */
export const REFRESH_RETRY_MS = 60_000;

export class BotTokens {
  private readonly deps: BotTokensDeps;
  private readonly remembered = new Map<string, { installation: BotInstallation; until: number }>();
  private readonly inFlight = new Map<string, Promise<BotInstallation>>();
  /** Installations whose last refresh failed, and until when their current token is used as is. */
  private readonly refreshFailedUntil = new Map<string, number>();

  constructor(deps: BotTokensDeps) {
    this.deps = deps;
  }

  /** The installation serving this workspace, with a bot token good for a while yet. */
  async forWorkspace(workspace: WorkspaceRef): Promise<BotInstallation> {
    const flightKey = keysOf(workspace).join('|');
    const memory = this.remembered.get(flightKey);
    if (memory && memory.until > this.deps.now().getTime() && this.usable(memory.installation)) return memory.installation;
    let loading = this.inFlight.get(flightKey);
    if (!loading) {
      loading = this.load(workspace, flightKey).finally(() => this.inFlight.delete(flightKey));
      this.inFlight.set(flightKey, loading);
    }
    return loading;
  }

  /** Drops what is remembered of an installation (after a re-install or an uninstall). */
  forget(key: string): void {
    for (const [workspace, memory] of this.remembered) {
      if (installationKey(memory.installation) === key) this.remembered.delete(workspace);
    }
  }

  private async load(workspace: WorkspaceRef, memoryKey: string): Promise<BotInstallation> {
    const found = await this.deps.store.findFor(workspace);
    if (!found) throw new WorkspaceNotInstalledError();
    const installation = this.usable(found) ? found : await this.refreshUnderLease(installationKey(found));
    this.remembered.set(memoryKey, { installation, until: this.deps.now().getTime() + (this.deps.memoryMs ?? 60_000) });
    return installation;
  }

  /** Fresh, or still good and resting after a failed refresh. */
  private usable(installation: BotInstallation): boolean {
    if (this.fresh(installation)) return true;
    const resting = (this.refreshFailedUntil.get(installationKey(installation)) ?? 0) > this.deps.now().getTime();
    return resting && this.stillGood(installation);
  }

  private stillGood(installation: BotInstallation): boolean {
    return (installation.botTokenExpiresAt?.getTime() ?? Number.POSITIVE_INFINITY) > this.deps.now().getTime();
  }

  private fresh(installation: BotInstallation): boolean {
    const expiresAt = installation.botTokenExpiresAt;
    if (!expiresAt || !installation.botRefreshToken) return true;
    return expiresAt.getTime() - (this.deps.refreshMarginMs ?? TWO_HOURS_MS) > this.deps.now().getTime();
  }

  private async refreshUnderLease(key: string): Promise<BotInstallation> {
    const { store } = this.deps;
    const leaseMs = this.deps.leaseMs ?? 30_000;
    const owner = randomUUID();
    const giveUpAt = performance.now() + leaseMs;
    for (;;) {
      const now = this.deps.now();
      const leased = await store.takeRefreshLease(key, owner, now, new Date(now.getTime() + leaseMs));
      if (leased) {
        try {
          return await this.refreshLeased(key, owner, leased);
        } finally {
          await store.releaseRefreshLease(key, owner);
        }
      }
      // Another instance holds the lease (or the installation is gone): read what it stored.
      const current = await store.find(key);
      if (!current) throw new WorkspaceNotInstalledError();
      if (this.fresh(current)) return current;
      if (performance.now() > giveUpAt) throw new Error('another instance is still refreshing this workspace\'s bot token');
      await new Promise((resolve) => setTimeout(resolve, this.deps.pollMs ?? 100));
    }
  }

  private async refreshLeased(key: string, owner: string, leased: BotInstallation): Promise<BotInstallation> {
    // Someone may have refreshed between our read and the lease: never spend a refresh token twice.
    if (this.fresh(leased)) return leased;
    const refreshToken = leased.botRefreshToken as string;
    let answer: Awaited<ReturnType<RefreshBotToken>>;
    try {
      answer = await this.deps.refresh(refreshToken);
    } catch (err) {
      const refused = slackErrorOf(err) === 'invalid_refresh_token';
      const expiresAt = leased.botTokenExpiresAt;
      if (refused) this.deps.logger.error({ installation: key, expiresAt }, 'Slack refused this workspace\'s bot refresh token: once its bot token expires, the app must be reinstalled there');
      if (!this.stillGood(leased)) throw err;
      this.refreshFailedUntil.set(key, this.deps.now().getTime() + REFRESH_RETRY_MS);
      if (!refused) this.deps.logger.warn({ err, installation: key, expiresAt }, 'could not rotate a workspace\'s bot token; the current one is used until it expires, and rotation is tried again in a minute');
      return leased;
    }
    this.refreshFailedUntil.delete(key);
    const now = this.deps.now();
    const tokens = {
      botToken: answer.accessToken,
      botRefreshToken: answer.refreshToken,
      botTokenExpiresAt: new Date(now.getTime() + answer.expiresInSeconds * 1000),
    };
    await this.deps.store.saveRefreshed(key, owner, tokens, now);
    this.deps.logger.info({ installation: key }, 'rotated a workspace\'s bot token');
    return { ...leased, ...tokens };
  }
}

/** Where a workspace's installation may be: its own, then its org's org-wide one. */
function keysOf(workspace: WorkspaceRef): string[] {
  return [workspace.teamId && `T:${workspace.teamId}`, workspace.enterpriseId && `E:${workspace.enterpriseId}`].filter((k): k is string => Boolean(k));
}

/** The error code in a Slack Web API error (`data.error`), if it is one. */
function slackErrorOf(err: unknown): string | undefined {
  const code = (err as { data?: { error?: unknown } } | undefined)?.data?.error;
  return typeof code === 'string' ? code : undefined;
}
