/**
 * The Slack installations of the multi-workspace mode, as the bot keeps them: one per workspace,
 * or one per Enterprise Grid organisation for an org-wide install (which then serves every
 * workspace of the org). Plain data, no Slack types: the Slack side adapts them to @slack/oauth.
 */

/** Which workspace (and org) a request, a message or a stored row belongs to. */
export interface WorkspaceRef {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
}

export interface BotInstallation {
  teamId: string | undefined;
  teamName: string | undefined;
  enterpriseId: string | undefined;
  enterpriseName: string | undefined;
  isEnterpriseInstall: boolean;
  appId: string | undefined;
  botId: string | undefined;
  botUserId: string;
  botScopes: string[];
  botToken: string;
  /** Token rotation: the refresh token and when the bot token runs out. */
  botRefreshToken: string | undefined;
  botTokenExpiresAt: Date | undefined;
  installerUserId: string | undefined;
  enterpriseUrl: string | undefined;
}

/** The key an installation is stored under: the org for an org-wide install, else the workspace. */
export function installationKey(install: { isEnterpriseInstall: boolean; teamId?: string | undefined; enterpriseId?: string | undefined }): string {
  if (install.isEnterpriseInstall) {
    if (!install.enterpriseId) throw new Error('an org-wide installation needs its enterprise id');
    return `E:${install.enterpriseId}`;
  }
  if (!install.teamId) throw new Error('a workspace installation needs its team id');
  return `T:${install.teamId}`;
}

export interface InstallationStorePort {
  /** Adds or replaces the installation under its key (a re-install replaces the old tokens). */
  save(installation: BotInstallation, now: Date): Promise<void>;
  /** The installation serving this workspace: its own, else its org's org-wide one. */
  findFor(workspace: WorkspaceRef): Promise<BotInstallation | undefined>;
  find(key: string): Promise<BotInstallation | undefined>;
  /** Removes the installation(s) stored for exactly this workspace or org-wide install; how many. */
  remove(key: string): Promise<number>;
  /** Whether any installation (org-wide, or a workspace's of the org) is stored for this org. */
  anyInOrg(enterpriseId: string): Promise<boolean>;
  /**
   * Takes the refresh lease of one installation until `until` when nobody holds it: the current row
   * then, else undefined (someone else refreshes, or the installation is gone).
   */
  takeRefreshLease(key: string, owner: string, now: Date, until: Date): Promise<BotInstallation | undefined>;
  /** Stores refreshed tokens and gives the lease up, only while `owner` holds it. */
  saveRefreshed(key: string, owner: string, tokens: { botToken: string; botRefreshToken: string; botTokenExpiresAt: Date }, now: Date): Promise<void>;
  releaseRefreshLease(key: string, owner: string): Promise<void>;
}

/** States of the install flow: each used at most once, and only before it expires. */
export interface InstallStatePort {
  issue(stateHash: string, installOptions: string, now: Date, expiresAt: Date): Promise<void>;
  /** Marks the state used and gives its options back; undefined when unknown, used or expired. */
  consume(stateHash: string, now: Date): Promise<string | undefined>;
}
