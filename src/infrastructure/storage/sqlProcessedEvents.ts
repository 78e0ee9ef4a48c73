/**
 * Remembers which Slack deliveries were handled, so a retry (or a second instance) does not run
 * one twice. Entries outlive Slack's retry window by far (24 hours); the retention purge
 * (retention.ts) deletes them after that.
 */
import type { Database } from './database.ts';

const KEEP_MS = 24 * 60 * 60 * 1000;

export class SqlProcessedEvents {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /** True the first time a key is seen; false for every later delivery of it. */
  async firstSeen(key: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO processed_events (key, expires_at) VALUES ($1, $2)
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      [key, new Date(now.getTime() + KEEP_MS)],
    );
    return rows.length === 1;
  }
}
