/** The team-alert outbox in SQL: stored before posting; claimed with a lease so one worker posts each. */
import { randomUUID } from 'node:crypto';
import type { NewAlert, Severity } from '../../actions/alerts/alert.ts';
import type { AlertFailureReason, AlertOutbox, OutboxAlert, OutboxStatus } from '../../actions/alerts/outbox.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

interface Row extends RequesterColumns {
  id: string;
  channel_id: string;
  severity: string;
  text: string;
  mention_channel: boolean;
  created_at: Date;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  permalink: string | null;
  failure: string | null;
}

function fromRow(row: Row): OutboxAlert {
  return {
    id: row.id,
    raisedBy: requesterFromRow(row),
    channelId: row.channel_id,
    severity: row.severity as Severity,
    text: row.text,
    mentionChannel: row.mention_channel,
    createdAt: row.created_at,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    permalink: row.permalink ?? undefined,
    failure: (row.failure ?? undefined) as AlertFailureReason | undefined,
  };
}

export class SqlAlertOutbox implements AlertOutbox {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async enqueue(alert: NewAlert): Promise<OutboxAlert> {
    const rows = await this.db.query<Row>(
      `INSERT INTO alert_outbox (id, team_id, enterprise_id, user_id, channel_id, severity, text, mention_channel,
         created_at, status, attempts, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $9) RETURNING *`,
      [randomUUID(), ...requesterParams(alert.raisedBy), alert.channelId, alert.severity, alert.text, alert.mentionChannel, alert.createdAt],
    );
    return fromRow(rows[0] as Row);
  }

  async claimDue(now: Date, options: { limit?: number; leaseMs?: number } = {}): Promise<OutboxAlert[]> {
    // On PostgreSQL, SKIP LOCKED: two instances claiming at once take different alerts instead of
    // waiting on each other. SQLite has a single writer, so its UPDATE claims alone.
    const rows = await this.db.query<Row>(
      `UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = $2
       WHERE id IN (
         SELECT id FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY created_at LIMIT $3 ${this.db.dialect.claimRows}
       ) RETURNING *`,
      [now, new Date(now.getTime() + (options.leaseMs ?? 60_000)), options.limit ?? 20],
    );
    return rows.map(fromRow).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async markPosted(id: string, permalink: string): Promise<void> {
    await this.db.query(`UPDATE alert_outbox SET status = 'posted', permalink = $2 WHERE id = $1`, [id, permalink]);
  }

  async markFailed(id: string, reason: AlertFailureReason): Promise<void> {
    await this.db.query(`UPDATE alert_outbox SET status = 'failed', failure = $2 WHERE id = $1`, [id, reason]);
  }

  async reschedule(id: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE alert_outbox SET status = 'pending', next_attempt_at = $2 WHERE id = $1`, [id, at]);
  }
}
