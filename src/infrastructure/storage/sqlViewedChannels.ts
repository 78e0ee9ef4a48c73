/** The channel each user views, in SQL: one row per user, replaced as they move; expired rows are purged. */
import { VIEWED_CHANNEL_TTL_MS, type ViewedChannels } from '../../actions/agent/viewedChannels.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';

export class SqlViewedChannels implements ViewedChannels {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async remember(user: SlackUser, channelId: string | undefined, now: Date): Promise<string | undefined> {
    const before = await this.viewed(user, now);
    await this.db.query(
      `INSERT INTO agent_viewed_channels (team_id, user_id, channel_id, updated_at, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (team_id, user_id) DO UPDATE SET
         channel_id = excluded.channel_id, updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
      [user.teamId, user.userId, channelId ?? null, now, new Date(now.getTime() + VIEWED_CHANNEL_TTL_MS)],
    );
    return before;
  }

  async viewed(user: SlackUser, now: Date): Promise<string | undefined> {
    const rows = await this.db.query<{ channel_id: string | null }>(
      'SELECT channel_id FROM agent_viewed_channels WHERE team_id = $1 AND user_id = $2 AND expires_at > $3',
      [user.teamId, user.userId, now],
    );
    return rows[0]?.channel_id ?? undefined;
  }
}
