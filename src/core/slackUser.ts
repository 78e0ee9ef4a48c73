/**
 * Who is asking: a Slack user, scoped to their workspace (or to their Enterprise Grid org, where
 * user ids are org-wide), and the connected-account identifier the agent-auth backends know them by.
 */

export interface SlackUser {
  teamId: string;
  enterpriseId?: string | undefined;
  userId: string;
}

/**
 * The identifier is derived, not random, so that it survives a lost database; it is still stored
 * (see the user directory) so that it stays the same even if the derivation ever changes.
 * On Enterprise Grid the org id is used: the same person in two workspaces of one org is one user.
 */
export function deriveAccountIdentifier(user: SlackUser): string {
  const scope = user.enterpriseId ? `E:${user.enterpriseId}` : `T:${user.teamId}`;
  return `slack:${scope}:${user.userId}`;
}
