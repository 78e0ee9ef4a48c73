/** The DM'd single-use links, stored by the hash of their token (the token itself is never stored). */
import type { AuthLinkRecord, AuthLinkStore } from '../../actions/ports.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

interface Row extends RequesterColumns {
  identifier: string;
  connection: string;
  expires_at: Date;
}

export class SqlAuthLinkStore implements AuthLinkStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async create(tokenHash: string, record: AuthLinkRecord, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO auth_links (token_hash, identifier, connection, team_id, enterprise_id, user_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tokenHash, record.identifier, record.connection, ...requesterParams(record.requester), now, record.expiresAt],
    );
  }

  async peek(tokenHash: string, now: Date): Promise<AuthLinkRecord | undefined> {
    const rows = await this.db.query<Row>(
      `SELECT identifier, connection, team_id, enterprise_id, user_id, expires_at FROM auth_links
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
      [tokenHash, now],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      identifier: row.identifier,
      connection: row.connection,
      requester: requesterFromRow(row),
      expiresAt: row.expires_at,
    };
  }

  async consume(tokenHash: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE auth_links SET used_at = $2
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING token_hash`,
      [tokenHash, now],
    );
    return rows.length === 1;
  }
}
