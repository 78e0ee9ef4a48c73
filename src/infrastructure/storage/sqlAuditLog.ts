/** The audit log in SQL: who, which action and connection, when, how it ended; never content. */
import type { AuditEntry, AuditLog, AuditOutcome } from '../../actions/audit.ts';
import type { ErrorCode } from '../../core/errors.ts';
import type { Database } from './database.ts';
import { WriteBatcher } from './writeBatcher.ts';

interface Row {
  identifier: string;
  slack_user_id: string;
  team_id: string;
  action: string;
  connection: string | null;
  at: Date;
  outcome: string;
  error_code: string | null;
}

const COLUMNS = ['identifier', 'slack_user_id', 'team_id', 'action', 'connection', 'at', 'outcome', 'error_code'];

export class SqlAuditLog implements AuditLog {
  private readonly db: Database;
  // Every action writes an entry: those of one turn (and those that arrive while a write is in
  // flight) go in one multi-row INSERT.
  private readonly writes = new WriteBatcher<AuditEntry>((entries) => this.insert(entries), { gather: 'turn' });

  constructor(db: Database) {
    this.db = db;
  }

  record(entry: AuditEntry): Promise<void> {
    return this.writes.add(entry);
  }

  private async insert(entries: AuditEntry[]): Promise<void> {
    const rows = entries.map((_, row) => `(${COLUMNS.map((_, column) => `$${row * COLUMNS.length + column + 1}`).join(', ')})`);
    await this.db.query(
      `INSERT INTO audit_log (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
      entries.flatMap((entry) => [
        entry.identifier,
        entry.slackUserId,
        entry.teamId,
        entry.action,
        entry.connection ?? null,
        entry.at,
        entry.outcome,
        entry.errorCode ?? null,
      ]),
    );
  }

  /** A removed workspace's entries are kept for their retention, and shown to nobody (sqlWorkspaceData.ts). */
  async recent(identifier: string, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.query<Row>(
      `SELECT identifier, slack_user_id, team_id, action, connection, at, outcome, error_code
       FROM audit_log WHERE identifier = $1 AND workspace_removed_at IS NULL ORDER BY at DESC, id DESC LIMIT $2`,
      [identifier, Math.max(1, Math.min(limit, 100))],
    );
    return rows.map((row) => ({
      identifier: row.identifier,
      slackUserId: row.slack_user_id,
      teamId: row.team_id,
      action: row.action,
      connection: row.connection ?? undefined,
      at: row.at,
      outcome: row.outcome as AuditOutcome,
      ...(row.error_code ? { errorCode: row.error_code as ErrorCode } : {}),
    }));
  }
}
