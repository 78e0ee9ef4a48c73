/** Browser sessions that bind the browser which opened a link to that link's Slack user. */
import type { AuthSessionRecord, AuthSessionStore } from '../../actions/ports.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

interface Row extends RequesterColumns {
  state_hash: string;
  identifier: string;
  connection: string;
  expires_at: Date;
}

export class SqlAuthSessionStore implements AuthSessionStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async create(sessionHash: string, record: AuthSessionRecord, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO auth_sessions
         (session_hash, state_hash, identifier, connection, team_id, enterprise_id, user_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        sessionHash,
        record.stateHash,
        record.identifier,
        record.connection,
        ...requesterParams(record.requester),
        now,
        record.expiresAt,
      ],
    );
  }

  async complete(sessionHash: string, stateHash: string, now: Date): Promise<AuthSessionRecord | undefined> {
    const rows = await this.db.query<Row>(
      `UPDATE auth_sessions SET completed_at = $2
       WHERE session_hash = $1 AND state_hash = $3 AND completed_at IS NULL AND expires_at > $2
       RETURNING state_hash, identifier, connection, team_id, enterprise_id, user_id, expires_at`,
      [sessionHash, now, stateHash],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      stateHash: row.state_hash,
      identifier: row.identifier,
      connection: row.connection,
      requester: requesterFromRow(row),
      expiresAt: row.expires_at,
    };
  }
}
