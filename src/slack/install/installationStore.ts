/**
 * @slack/oauth's InstallationStore over the bot's own installations (SQL, tokens sealed): what the
 * InstallProvider stores when an install completes, and what it (or anyone holding an
 * InstallationQuery) fetches and deletes. Only the bot's part of an installation is kept: the app asks
 * for no user scopes, so there is no user token to keep.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import { installationKey, type BotInstallation, type InstallationStorePort } from '../../actions/installations.ts';
import type { Installations } from '../../actions/workspaces/ports.ts';

export class BotInstallationStore implements InstallationStore {
  private readonly store: InstallationStorePort;
  private readonly now: () => Date;
  /** Told after a store or a delete, e.g. to drop cached tokens. */
  private readonly changed: (key: string) => void;

  constructor(deps: { store: InstallationStorePort; now: () => Date; changed?: (key: string) => void }) {
    this.store = deps.store;
    this.now = deps.now;
    this.changed = deps.changed ?? (() => {});
  }

  async storeInstallation(installation: Installation): Promise<void> {
    const bot = installation.bot;
    if (!bot) throw new Error('the installation carries no bot token (the app needs a bot user)');
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    const stored: BotInstallation = {
      teamId: installation.team?.id,
      teamName: installation.team?.name,
      enterpriseId: installation.enterprise?.id,
      enterpriseName: installation.enterprise?.name,
      isEnterpriseInstall,
      appId: installation.appId,
      botId: bot.id,
      botUserId: bot.userId,
      botScopes: bot.scopes,
      botToken: bot.token,
      botRefreshToken: bot.refreshToken,
      botTokenExpiresAt: bot.expiresAt === undefined ? undefined : new Date(bot.expiresAt * 1000),
      installerUserId: installation.user.id,
      enterpriseUrl: installation.enterpriseUrl,
    };
    await this.store.save(stored, this.now());
    this.changed(installationKey(stored));
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v2', boolean>> {
    const found = query.isEnterpriseInstall && query.enterpriseId
      ? await this.store.find(`E:${query.enterpriseId}`)
      : await this.store.findFor({ teamId: query.teamId, enterpriseId: query.enterpriseId });
    if (!found) throw new Error('no installation for this workspace');
    return toInstallation(found);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.delete(query);
  }

  /** Whether an installation (org-wide, or one of its workspaces') still serves this org. */
  servesOrg(enterpriseId: string): Promise<boolean> {
    return this.store.anyInOrg(enterpriseId);
  }

  /** Removes the installation the query names (org-wide or the workspace's); how many were removed. */
  async delete(query: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall: boolean }): Promise<number> {
    const key = installationKey(query);
    const removed = await this.store.remove(key);
    this.changed(key);
    return removed;
  }
}

/** The installation store as the uninstall sees it (ForgetWorkspace's port). */
export function installationsForRemoval(installations: BotInstallationStore): Installations {
  return {
    forget: async (scope) => {
      await installations.delete(
        scope.kind === 'org'
          ? { enterpriseId: scope.enterpriseId, isEnterpriseInstall: true }
          : { teamId: scope.teamId, enterpriseId: scope.enterpriseId, isEnterpriseInstall: false },
      );
    },
    servesOrg: (enterpriseId) => installations.servesOrg(enterpriseId),
  };
}

export function toInstallation(found: BotInstallation): Installation<'v2', boolean> {
  return {
    team: found.isEnterpriseInstall || !found.teamId ? undefined : { id: found.teamId, ...(found.teamName ? { name: found.teamName } : {}) },
    enterprise: found.enterpriseId ? { id: found.enterpriseId, ...(found.enterpriseName ? { name: found.enterpriseName } : {}) } : undefined,
    user: { token: undefined, scopes: undefined, id: found.installerUserId ?? '' },
    bot: {
      token: found.botToken,
      scopes: found.botScopes,
      id: found.botId ?? '',
      userId: found.botUserId,
      ...(found.botRefreshToken ? { refreshToken: found.botRefreshToken } : {}),
      ...(found.botTokenExpiresAt ? { expiresAt: Math.floor(found.botTokenExpiresAt.getTime() / 1000) } : {}),
    },
    ...(found.appId ? { appId: found.appId } : {}),
    ...(found.enterpriseUrl ? { enterpriseUrl: found.enterpriseUrl } : {}),
    tokenType: 'bot',
    isEnterpriseInstall: found.isEnterpriseInstall,
    authVersion: 'v2',
  } as Installation<'v2', boolean>;
}
