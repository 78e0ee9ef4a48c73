/**
 * Authorization flows under way (built-in agent-auth backend), stored by the hash of their `state`
 * with the PKCE verifier sealed. Using one up is a single conditional UPDATE, so a replayed or
 * concurrent return finds it gone. Used and expired flows are kept a day (to tell a replay from a
 * typo in the logs), then the retention purge (retention.ts) drops them.
 */
import type { OAuthFlowStore, PendingFlow } from '../../agentAuth/local/ports.ts';
import type { AccountRef } from '../../agentAuth/port.ts';
import type { Database } from './database.ts';

interface Row {
  connection: string;
  identifier: string;
  code_verifier: string;
  redirect_uri: string;
  expires_at: Date;
}

export class SqlOAuthFlowStore implements OAuthFlowStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async create(stateHash: string, flow: PendingFlow, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO oauth_flows (state_hash, connection, identifier, code_verifier, redirect_uri, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [stateHash, flow.ref.connection, flow.ref.identifier, flow.codeVerifier, flow.redirectUri, now, flow.expiresAt],
    );
  }

  async consume(stateHash: string, ref: AccountRef, now: Date): Promise<PendingFlow | undefined> {
    const rows = await this.db.query<Row>(
      `UPDATE oauth_flows SET used_at = $4
       WHERE state_hash = $1 AND connection = $2 AND identifier = $3 AND used_at IS NULL AND expires_at > $4
       RETURNING connection, identifier, code_verifier, redirect_uri, expires_at`,
      [stateHash, ref.connection, ref.identifier, now],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      ref: { connection: row.connection, identifier: row.identifier },
      codeVerifier: row.code_verifier,
      redirectUri: row.redirect_uri,
      expiresAt: row.expires_at,
    };
  }
}
