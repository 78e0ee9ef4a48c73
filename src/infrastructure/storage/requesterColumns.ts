/** How a requesting Slack user is spread over table columns, shared by the stores that keep one. */
import type { SlackUser } from '../../core/slackUser.ts';

export interface RequesterColumns {
  team_id: string;
  enterprise_id: string | null;
  user_id: string;
}

export function requesterFromRow(row: RequesterColumns): SlackUser {
  return { teamId: row.team_id, userId: row.user_id, ...(row.enterprise_id ? { enterpriseId: row.enterprise_id } : {}) };
}

export function requesterParams(user: SlackUser): [string, string | null, string] {
  return [user.teamId, user.enterpriseId ?? null, user.userId];
}
