/** Uninstalled workspaces whose removal is under way, in SQL: claimed with a lease, retried until done. */
import type { WorkspaceRemoval, WorkspaceRemovals, WorkspaceScope } from '../../actions/workspaces/ports.ts';
import type { Database } from './database.ts';

interface Row {
  id: string;
  team_id: string | null;
  enterprise_id: string | null;
  org_wide: boolean;
  requested_at: Date;
  identifiers: unknown;
  planned_at: Date | null;
  erased_at: Date | null;
  attempts: number;
}

/** One row per workspace or org: a second uninstall of the same one starts its removal over. */
export function removalIdOf(scope: WorkspaceScope): string {
  return scope.kind === 'org' ? `E:${scope.enterpriseId}` : `T:${scope.teamId}`;
}

function scopeOf(row: Row): WorkspaceScope {
  if (row.org_wide && row.enterprise_id) return { kind: 'org', enterpriseId: row.enterprise_id };
  return { kind: 'workspace', teamId: row.team_id ?? '', ...(row.enterprise_id ? { enterpriseId: row.enterprise_id } : {}) };
}

function fromRow(row: Row): WorkspaceRemoval {
  return {
    id: row.id,
    scope: scopeOf(row),
    requestedAt: row.requested_at,
    identifiers: Array.isArray(row.identifiers) ? row.identifiers.filter((x): x is string => typeof x === 'string') : [],
    planned: row.planned_at !== null,
    erased: row.erased_at !== null,
    attempts: Number(row.attempts),
  };
}

function scopeParams(scope: WorkspaceScope): [string | null, string | null, boolean] {
  return scope.kind === 'org' ? [null, scope.enterpriseId, true] : [scope.teamId, scope.enterpriseId ?? null, false];
}

export class SqlWorkspaceRemovals implements WorkspaceRemovals {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async request(scope: WorkspaceScope, now: Date): Promise<void> {
    // Identifiers still waiting for their disconnect are kept: the new plan adds to them.
    await this.db.query(
      `INSERT INTO workspace_removals (id, team_id, enterprise_id, org_wide, requested_at, identifiers, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, '[]', $5)
       ON CONFLICT (id) DO UPDATE SET team_id = $2, enterprise_id = $3, org_wide = $4, requested_at = $5,
         planned_at = NULL, erased_at = NULL, done_at = NULL, attempts = 0, next_attempt_at = $5, last_error = NULL`,
      [removalIdOf(scope), ...scopeParams(scope), now],
    );
  }

  async claimDue(now: Date, leaseMs: number, limit: number): Promise<WorkspaceRemoval[]> {
    const rows = await this.db.query<Row>(
      `UPDATE workspace_removals SET attempts = attempts + 1, next_attempt_at = $2
       WHERE id IN (
         SELECT id FROM workspace_removals WHERE done_at IS NULL AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $3 ${this.db.dialect.claimRows}
       ) RETURNING *`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map(fromRow);
  }

  async planned(id: string, scope: WorkspaceScope, identifiers: string[]): Promise<void> {
    await this.db.query(
      `UPDATE workspace_removals SET team_id = $2, enterprise_id = $3, org_wide = $4, identifiers = $5, planned_at = requested_at
       WHERE id = $1`,
      [id, ...scopeParams(scope), JSON.stringify(identifiers)],
    );
  }

  async erased(id: string, now: Date): Promise<void> {
    await this.db.query('UPDATE workspace_removals SET erased_at = $2 WHERE id = $1', [id, now]);
  }

  async retryLater(id: string, identifiersLeft: string[], at: Date, reason: string): Promise<void> {
    await this.db.query('UPDATE workspace_removals SET identifiers = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1', [
      id,
      JSON.stringify(identifiersLeft),
      at,
      reason.slice(0, 200),
    ]);
  }

  async finish(id: string, now: Date): Promise<void> {
    await this.db.query(`UPDATE workspace_removals SET identifiers = '[]', done_at = $2, last_error = NULL WHERE id = $1`, [id, now]);
  }
}
