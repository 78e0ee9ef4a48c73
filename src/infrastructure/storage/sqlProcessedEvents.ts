/**
 * Remembers which Slack deliveries were handled, so a retry (or a second instance) does not run
 * one twice. Entries outlive Slack's retry window by far (24 hours); the retention purge
 * (retention.ts) deletes them after that.
 *
 * Every Slack request is checked here (after its acknowledgement, before its work:
 * dedupeDeliveries.ts), so the check must not cost a commit each: the keys asked about in one turn
 * of the event loop (a burst's requests, read together) go in one INSERT, and the rows it returns
 * say which keys were new.
 */
import type { Database } from './database.ts';
import { WriteBatcher } from './writeBatcher.ts';

const KEEP_MS = 24 * 60 * 60 * 1000;

interface Delivery {
  key: string;
  expiresAt: Date;
}

export class SqlProcessedEvents {
  private readonly db: Database;
  private readonly inserts = new WriteBatcher<Delivery, boolean>((deliveries) => this.insertNew(deliveries), { gather: 'turn' });

  constructor(db: Database) {
    this.db = db;
  }

  /** True the first time a key is seen; false for every later delivery of it. */
  firstSeen(key: string, now: Date): Promise<boolean> {
    return this.inserts.add({ key, expiresAt: new Date(now.getTime() + KEEP_MS) });
  }

  /** Per delivery, whether its key was new; a key twice in one batch is new only the first time. */
  private async insertNew(deliveries: Delivery[]): Promise<boolean[]> {
    const values = deliveries.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    const rows = await this.db.query<{ key: string }>(
      `INSERT INTO processed_events (key, expires_at) VALUES ${values} ON CONFLICT (key) DO NOTHING RETURNING key`,
      deliveries.flatMap((delivery) => [delivery.key, delivery.expiresAt]),
    );
    const inserted = new Set(rows.map((row) => row.key));
    return deliveries.map((delivery) => inserted.delete(delivery.key));
  }
}
