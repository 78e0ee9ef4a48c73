/** Kept requests in SQL; claiming flips waiting rows to running in one statement, so each runs once. */
import { randomUUID } from 'node:crypto';
import type { KeptRequest, KeptRequestStore } from '../../actions/ports.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

/** Longer than any request takes; shorter than a user would wait for an abandoned one. */
const DEFAULT_LEASE_MS = 2 * 60_000;

interface Row extends RequesterColumns {
  id: string;
  identifier: string;
  connection: string;
  action: string;
  input: unknown;
  created_at: Date;
  expires_at: Date;
  reply_channel: string | null;
  reply_thread_ts: string | null;
}

function fromRow(row: Row): KeptRequest {
  return {
    id: row.id,
    identifier: row.identifier,
    connection: row.connection,
    requester: requesterFromRow(row),
    action: row.action,
    input: row.input,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.reply_channel && row.reply_thread_ts ? { replyIn: { channel: row.reply_channel, threadTs: row.reply_thread_ts } } : {}),
  };
}

export class SqlKeptRequestStore implements KeptRequestStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async keep(request: Omit<KeptRequest, 'id' | 'createdAt'>, now: Date): Promise<KeptRequest> {
    const rows = await this.db.query<Row>(
      `INSERT INTO kept_requests
         (id, identifier, connection, team_id, enterprise_id, user_id, action, input, status, created_at, expires_at,
          reply_channel, reply_thread_ts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'waiting', $9, $10, $11, $12)
       RETURNING *`,
      [
        randomUUID(),
        request.identifier,
        request.connection,
        ...requesterParams(request.requester),
        request.action,
        JSON.stringify(request.input),
        now,
        request.expiresAt,
        request.replyIn?.channel ?? null,
        request.replyIn?.threadTs ?? null,
      ],
    );
    return fromRow(rows[0] as Row);
  }

  // Expired rows are left waiting here on purpose: expireDue takes them, so the requester is told.
  async claimWaiting(identifier: string, connection: string, now: Date, leaseMs = DEFAULT_LEASE_MS): Promise<KeptRequest[]> {
    const rows = await this.db.query<Row>(
      `UPDATE kept_requests SET status = 'running', claimed_until = $4
       WHERE identifier = $1 AND connection = $2
         AND ((status = 'waiting' AND expires_at > $3) OR (status = 'running' AND claimed_until < $3))
       RETURNING *`,
      [identifier, connection, now, new Date(now.getTime() + leaseMs)],
    );
    return rows.map(fromRow).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async expireDue(now: Date, limit = 100): Promise<KeptRequest[]> {
    const rows = await this.db.query<Row>(
      `UPDATE kept_requests SET status = 'expired', finished_at = $1
       WHERE id IN (SELECT id FROM kept_requests WHERE status = 'waiting' AND expires_at <= $1 LIMIT $2)
         AND status = 'waiting'
       RETURNING *`,
      [now, limit],
    );
    return rows.map(fromRow).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async accountsAwaiting(now: Date): Promise<Array<{ identifier: string; connection: string }>> {
    return this.db.query<{ identifier: string; connection: string }>(
      `SELECT DISTINCT identifier, connection FROM kept_requests
       WHERE (status = 'waiting' AND expires_at > $1) OR (status = 'running' AND claimed_until < $1)
       LIMIT 500`,
      [now],
    );
  }

  async finish(id: string, outcome: 'done' | 'failed', now: Date): Promise<void> {
    await this.db.query('UPDATE kept_requests SET status = $2, finished_at = $3 WHERE id = $1', [id, outcome, now]);
  }
}
