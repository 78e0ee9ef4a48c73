/**
 * Remembers which Slack deliveries were handled, so a retry (or a second instance) does not run
 * one twice. Entries outlive Slack's retry window by far (24 hours).
 */
import type { Database } from './database.ts';

const KEEP_MS = 24 * 60 * 60 * 1000;

export class SqlProcessedEvents {
  private readonly db: Database;
  private lastPurge = 0;

  constructor(db: Database) {
    this.db = db;
  }

  /** True the first time a key is seen; false for every later delivery of it. */
  async firstSeen(key: string, now: Date): Promise<boolean> {
    await this.purgeOccasionally(now);
    const rows = await this.db.query(
      `INSERT INTO processed_events (key, expires_at) VALUES ($1, $2)
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      [key, new Date(now.getTime() + KEEP_MS)],
    );
    return rows.length === 1;
  }

  private async purgeOccasionally(now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < 60 * 60 * 1000) return;
    this.lastPurge = now.getTime();
    await this.db.query('DELETE FROM processed_events WHERE expires_at < $1', [now]);
  }
}
