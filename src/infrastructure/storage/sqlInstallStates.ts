/**
 * States of the "Add to Slack" flow, kept by hash: each is consumed by one conditional UPDATE, so a
 * state works once across every instance sharing the database, and never after it expires.
 */
import type { InstallStatePort } from '../../actions/installations.ts';
import type { Database } from './database.ts';

export class SqlInstallStates implements InstallStatePort {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async issue(stateHash: string, installOptions: string, now: Date, expiresAt: Date): Promise<void> {
    await this.db.query(
      'INSERT INTO slack_install_states (state_hash, install_options, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [stateHash, installOptions, now, expiresAt],
    );
  }

  async consume(stateHash: string, now: Date): Promise<string | undefined> {
    const rows = await this.db.query<{ install_options: string }>(
      `UPDATE slack_install_states SET used_at = $2
       WHERE state_hash = $1 AND used_at IS NULL AND expires_at > $2
       RETURNING install_options`,
      [stateHash, now],
    );
    return rows[0]?.install_options;
  }
}
