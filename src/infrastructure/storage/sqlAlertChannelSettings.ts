/** Each workspace's team-alert channel, as set with /alert-channel. */
import type { AlertChannelSettings } from '../../actions/alerts/outbox.ts';
import type { Database } from './database.ts';

export class SqlAlertChannelSettings implements AlertChannelSettings {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async channelFor(teamId: string): Promise<string | undefined> {
    const rows = await this.db.query<{ channel_id: string }>('SELECT channel_id FROM alert_channels WHERE team_id = $1', [teamId]);
    return rows[0]?.channel_id;
  }

  async setChannel(teamId: string, channelId: string, setBy: string, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO alert_channels (team_id, channel_id, set_by, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (team_id) DO UPDATE SET channel_id = $2, set_by = $3, updated_at = $4`,
      [teamId, channelId, setBy, now],
    );
  }
}
