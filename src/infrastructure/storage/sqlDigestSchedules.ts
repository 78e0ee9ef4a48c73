/**
 * Digest schedules in SQL. Claiming leases due rows in one statement (PostgreSQL skips rows another
 * instance is claiming), so each (user, scheduled time) is delivered by one instance; every later
 * write names the slot it is about, so one made for an old slot never overwrites a newer schedule.
 */
import type { DigestSchedule, DigestScheduleStore, NewDigestSchedule } from '../../actions/digests/ports.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

interface Row extends RequesterColumns {
  identifier: string;
  cron: string;
  count: number;
  search: string | null;
  time_zone: string;
  paused: boolean;
  slot_at: Date;
  due_at: Date;
  attempts: number;
  first_failed_at: Date | null;
  reconnect_prompted: boolean;
}

function fromRow(row: Row): DigestSchedule {
  return {
    identifier: row.identifier,
    user: requesterFromRow(row),
    cron: row.cron,
    count: Number(row.count),
    ...(row.search ? { search: row.search } : {}),
    timeZone: row.time_zone,
    paused: row.paused,
    slotAt: row.slot_at,
    dueAt: row.due_at,
    attempts: Number(row.attempts),
    ...(row.first_failed_at ? { firstFailedAt: row.first_failed_at } : {}),
    reconnectPrompted: row.reconnect_prompted,
  };
}

export class SqlDigestSchedules implements DigestScheduleStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async save(schedule: NewDigestSchedule, now: Date): Promise<DigestSchedule> {
    const rows = await this.db.query<Row>(
      `INSERT INTO digest_schedules
         (identifier, team_id, enterprise_id, user_id, cron, count, search, time_zone, paused,
          slot_at, due_at, attempts, first_failed_at, reconnect_prompted, claimed_until, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 0, NULL, $9, NULL, $11, $11)
       ON CONFLICT (identifier) DO UPDATE SET
         team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, user_id = excluded.user_id,
         cron = excluded.cron, count = excluded.count, search = excluded.search, time_zone = excluded.time_zone,
         paused = excluded.paused, slot_at = excluded.slot_at, due_at = excluded.due_at, attempts = 0,
         first_failed_at = NULL, claimed_until = NULL, updated_at = excluded.updated_at
       RETURNING *`,
      [
        schedule.identifier,
        ...requesterParams(schedule.user),
        schedule.cron,
        schedule.count,
        schedule.search ?? null,
        schedule.timeZone,
        false,
        schedule.slotAt,
        now,
      ],
    );
    return fromRow(rows[0] as Row);
  }

  async get(identifier: string): Promise<DigestSchedule | undefined> {
    const rows = await this.db.query<Row>('SELECT * FROM digest_schedules WHERE identifier = $1', [identifier]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async setPaused(identifier: string, paused: boolean, next: { slotAt: Date; timeZone: string } | undefined, now: Date): Promise<boolean> {
    const rows = next
      ? await this.db.query(
          `UPDATE digest_schedules SET paused = $2, slot_at = $3, due_at = $3, time_zone = $4, attempts = 0,
             first_failed_at = NULL, claimed_until = NULL, updated_at = $5
           WHERE identifier = $1 RETURNING identifier`,
          [identifier, paused, next.slotAt, next.timeZone, now],
        )
      : await this.db.query('UPDATE digest_schedules SET paused = $2, updated_at = $3 WHERE identifier = $1 RETURNING identifier', [
          identifier,
          paused,
          now,
        ]);
    return rows.length > 0;
  }

  async remove(identifier: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM digest_schedules WHERE identifier = $1 RETURNING identifier', [identifier]);
    return rows.length > 0;
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<DigestSchedule[]> {
    // The conditions are repeated outside: under PostgreSQL's READ COMMITTED the outer UPDATE
    // re-checks a row another instance changed after this statement's snapshot.
    const due = `paused = false AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)`;
    const rows = await this.db.query<Row>(
      `UPDATE digest_schedules SET claimed_until = $2
       WHERE ${due} AND identifier IN (
         SELECT identifier FROM digest_schedules WHERE ${due}
         ORDER BY due_at LIMIT $3 ${this.db.dialect.claimRows}
       )
       RETURNING *`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map(fromRow).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  async advance(identifier: string, slotAt: Date, next: { slotAt: Date; timeZone: string; reconnectPrompted: boolean }, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE digest_schedules SET slot_at = $3, due_at = $3, time_zone = $4, reconnect_prompted = $5, attempts = 0,
         first_failed_at = NULL, claimed_until = NULL, updated_at = $6
       WHERE identifier = $1 AND slot_at = $2`,
      [identifier, slotAt, next.slotAt, next.timeZone, next.reconnectPrompted, now],
    );
  }

  async retryLater(identifier: string, slotAt: Date, retry: { dueAt: Date; attempts: number; firstFailedAt: Date }, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE digest_schedules SET due_at = $3, attempts = $4, first_failed_at = $5, claimed_until = NULL, updated_at = $6
       WHERE identifier = $1 AND slot_at = $2`,
      [identifier, slotAt, retry.dueAt, retry.attempts, retry.firstFailedAt, now],
    );
  }
}
