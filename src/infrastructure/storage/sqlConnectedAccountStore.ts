/**
 * Connected accounts of the built-in agent-auth backend, in SQL. Tokens arrive sealed and are
 * stored as they come. Every change is one statement, so two instances never see half an update;
 * the refresh lease is taken with a conditional UPDATE and released by its owner only.
 */
import type { ConnectedAccountStore, LocalAccountStatus, SealedTokens, StoredAccount } from '../../agentAuth/local/ports.ts';
import type { AccountRef } from '../../agentAuth/port.ts';
import type { Database } from './database.ts';

interface Row {
  status: LocalAccountStatus;
  access_token: string | null;
  refresh_token: string | null;
  token_expires_at: Date | null;
  granted_scopes: string;
}

const COLUMNS = 'status, access_token, refresh_token, token_expires_at, granted_scopes';

function fromRow(row: Row): StoredAccount {
  return {
    status: row.status,
    accessToken: row.access_token ?? undefined,
    refreshToken: row.refresh_token ?? undefined,
    expiresAt: row.token_expires_at ?? undefined,
    scopes: row.granted_scopes.split(' ').filter(Boolean),
  };
}

export class SqlConnectedAccountStore implements ConnectedAccountStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async find(ref: AccountRef): Promise<StoredAccount | undefined> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM connected_accounts WHERE connection = $1 AND identifier = $2`,
      [ref.connection, ref.identifier],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async ensure(ref: AccountRef, now: Date): Promise<StoredAccount> {
    await this.db.query(
      `INSERT INTO connected_accounts (connection, identifier, status, created_at, updated_at)
       VALUES ($1, $2, 'PENDING_AUTH', $3, $3) ON CONFLICT (connection, identifier) DO NOTHING`,
      [ref.connection, ref.identifier, now],
    );
    const found = await this.find(ref);
    if (!found) throw new Error('connected account vanished after insert');
    return found;
  }

  async saveAuthorized(ref: AccountRef, tokens: SealedTokens, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO connected_accounts
         (connection, identifier, status, access_token, refresh_token, token_expires_at, granted_scopes, created_at, updated_at)
       VALUES ($1, $2, 'ACTIVE', $3, $4, $5, COALESCE($6, ''), $7, $7)
       ON CONFLICT (connection, identifier) DO UPDATE SET
         status = 'ACTIVE',
         access_token = EXCLUDED.access_token,
         refresh_token = COALESCE($4, connected_accounts.refresh_token),
         token_expires_at = EXCLUDED.token_expires_at,
         granted_scopes = COALESCE($6, connected_accounts.granted_scopes),
         updated_at = EXCLUDED.updated_at`,
      [ref.connection, ref.identifier, tokens.accessToken, tokens.refreshToken ?? null, tokens.expiresAt ?? null, scopesText(tokens), now],
    );
  }

  async saveRefreshed(ref: AccountRef, tokens: SealedTokens, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE connected_accounts SET
         access_token = $3,
         refresh_token = COALESCE($4, refresh_token),
         token_expires_at = $5,
         granted_scopes = COALESCE($6, granted_scopes),
         updated_at = $7
       WHERE connection = $1 AND identifier = $2 AND status = 'ACTIVE' RETURNING status`,
      [ref.connection, ref.identifier, tokens.accessToken, tokens.refreshToken ?? null, tokens.expiresAt ?? null, scopesText(tokens), now],
    );
    return rows.length === 1;
  }

  async expire(ref: AccountRef, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE connected_accounts SET status = 'EXPIRED', access_token = NULL, refresh_token = NULL, token_expires_at = NULL, updated_at = $3
       WHERE connection = $1 AND identifier = $2`,
      [ref.connection, ref.identifier, now],
    );
  }

  async keepForRevocation(ref: AccountRef, sealedRefreshToken: string): Promise<void> {
    await this.db.query('UPDATE connected_accounts SET revoke_pending = $3 WHERE connection = $1 AND identifier = $2', [
      ref.connection,
      ref.identifier,
      sealedRefreshToken,
    ]);
  }

  async pendingRevocations(limit: number): Promise<Array<{ ref: AccountRef; sealedRefreshToken: string }>> {
    const rows = await this.db.query<{ connection: string; identifier: string; revoke_pending: string }>(
      'SELECT connection, identifier, revoke_pending FROM connected_accounts WHERE revoke_pending IS NOT NULL LIMIT $1',
      [limit],
    );
    return rows.map((row) => ({ ref: { connection: row.connection, identifier: row.identifier }, sealedRefreshToken: row.revoke_pending }));
  }

  async revocationDone(ref: AccountRef, sealedRefreshToken: string): Promise<void> {
    await this.db.query(
      'UPDATE connected_accounts SET revoke_pending = NULL WHERE connection = $1 AND identifier = $2 AND revoke_pending = $3',
      [ref.connection, ref.identifier, sealedRefreshToken],
    );
  }

  async remove(ref: AccountRef): Promise<void> {
    await this.db.query('DELETE FROM connected_accounts WHERE connection = $1 AND identifier = $2', [ref.connection, ref.identifier]);
  }

  async takeRefreshLease(ref: AccountRef, owner: string, now: Date, until: Date): Promise<StoredAccount | undefined> {
    const rows = await this.db.query<Row>(
      `UPDATE connected_accounts SET refresh_owner = $3, refresh_lease_until = $5
       WHERE connection = $1 AND identifier = $2 AND status = 'ACTIVE'
         AND (refresh_lease_until IS NULL OR refresh_lease_until <= $4)
       RETURNING ${COLUMNS}`,
      [ref.connection, ref.identifier, owner, now, until],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /**
   * How many stored tokens each encryption key id seals (for the operator, at start-up). Reads the
   * key id from the sealed value's second dot-separated field (see crypto/keyring.ts); opens nothing.
   */
  async countByKeyId(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ key_id: string; tokens: number }>(
      `SELECT ${this.db.dialect.secondDotField('sealed')} AS key_id, CAST(count(*) AS integer) AS tokens FROM (
         SELECT access_token AS sealed FROM connected_accounts WHERE access_token IS NOT NULL
         UNION ALL SELECT refresh_token FROM connected_accounts WHERE refresh_token IS NOT NULL
       ) AS stored GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((row) => [row.key_id, row.tokens]));
  }

  async releaseRefreshLease(ref: AccountRef, owner: string): Promise<void> {
    await this.db.query(
      `UPDATE connected_accounts SET refresh_owner = NULL, refresh_lease_until = NULL
       WHERE connection = $1 AND identifier = $2 AND refresh_owner = $3`,
      [ref.connection, ref.identifier, owner],
    );
  }
}

function scopesText(tokens: SealedTokens): string | null {
  return tokens.scopes === undefined ? null : tokens.scopes.join(' ');
}
