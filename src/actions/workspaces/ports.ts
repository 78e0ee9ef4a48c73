/**
 * What forgetting a workspace needs, as interfaces: the durable list of removals still to finish,
 * the bot's own rows of a workspace, and the installation store (another part of the bot).
 */

/**
 * What was uninstalled: one workspace (on Enterprise Grid, a workspace-level install names its org
 * too), or a whole organisation (an org-wide install, `is_enterprise_install`).
 */
export type WorkspaceScope =
  | { kind: 'workspace'; teamId: string; enterpriseId?: string | undefined }
  | { kind: 'org'; enterpriseId: string };

/** A removal being carried out: written when Slack tells us, finished by whichever instance gets to it. */
export interface WorkspaceRemoval {
  id: string;
  /** What is removed: widened to the org once nothing serves the org any more (see ForgetWorkspace). */
  scope: WorkspaceScope;
  requestedAt: Date;
  /** The connected-account identifiers still to disconnect, once planned. */
  identifiers: string[];
  /** Whether the identifiers were collected (and the installation forgotten) for this request. */
  planned: boolean;
  /** Whether the bot's own rows of the scope were deleted for this request. */
  erased: boolean;
  attempts: number;
}

export interface WorkspaceRemovals {
  /**
   * Records that `scope` was uninstalled, due now. Asked again (Slack's retry, a second event), the
   * removal is started over; identifiers still waiting for their disconnect are kept.
   */
  request(scope: WorkspaceScope, now: Date): Promise<void>;
  /** Takes due removals, leased until `now + leaseMs` so a dead instance's removal is taken over later. */
  claimDue(now: Date, leaseMs: number, limit: number): Promise<WorkspaceRemoval[]>;
  /** Saves what the removal covers before anything is deleted, so a retry knows whose accounts to disconnect. */
  planned(id: string, scope: WorkspaceScope, identifiers: string[]): Promise<void>;
  erased(id: string, now: Date): Promise<void>;
  /** Some accounts could not be disconnected: the rest is done; tried again at `at`. */
  retryLater(id: string, identifiersLeft: string[], at: Date, reason: string): Promise<void>;
  finish(id: string, now: Date): Promise<void>;
}

/** The bot's own rows of a workspace or org (Slack-side data; the accounts are the agent-auth port's). */
export interface WorkspaceData {
  /** Every connected-account identifier of the scope's users that any table knows of. */
  identifiersIn(scope: WorkspaceScope): Promise<string[]>;
  /**
   * Deletes the scope's rows; audit entries are hidden from every read instead, and deleted by the
   * retention purge on their usual schedule. Returns the rows affected per table.
   */
  erase(scope: WorkspaceScope, now: Date): Promise<Record<string, number>>;
  /** Which of these identifiers the user directory holds again: people who came back after the erase. */
  knownAgain(identifiers: string[]): Promise<string[]>;
}

/**
 * The installation store (bot tokens per workspace or org). In single-workspace mode
 * (SLACK_BOT_TOKEN) there is none: forgetting is a no-op and no other installation serves an org.
 */
export interface Installations {
  forget(scope: WorkspaceScope): Promise<void>;
  /** Whether some installation (org-wide, or another workspace's) still serves users of this org. */
  servesOrg(enterpriseId: string): Promise<boolean>;
}

export const NO_INSTALLATION_STORE: Installations = {
  forget: async () => undefined,
  servesOrg: async () => false,
};
