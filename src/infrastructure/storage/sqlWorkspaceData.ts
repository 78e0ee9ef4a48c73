/**
 * The bot's own rows of a workspace or an Enterprise Grid org, found and deleted for an uninstall.
 * Each table, and what happens to its rows (README: "Uninstalling"):
 *
 * - by workspace (`team_id`), or by org (`enterprise_id`) for an org: auth_links, auth_sessions,
 *   kept_requests, alert_outbox, alert_proposals, digest_schedules, agent_threads, agent_approvals,
 *   agent_edits; alert_channels and agent_viewed_channels (keyed by workspace only: for an org, every
 *   workspace of it that any table names);
 * - by account identifier (the user's workspace or org is in it): oauth_flows; slack_users by its
 *   scope (workspace, or org); rate_buckets by the scope in their key (`kind:scope:user`);
 * - audit_log: kept for AUDIT_RETENTION_DAYS like every entry, but marked, and no read shows it;
 * - connected_accounts: left to the agent-auth port, which revokes before it deletes;
 * - processed_events: no workspace data (Slack's event ids), and it is what keeps a retried
 *   uninstall event from running twice; it expires in a day.
 *
 * A workspace of an org that other installations still serve keeps its org users' directory rows,
 * budgets and flows: they are org-wide, like the users' connections (see ForgetWorkspace).
 */
import type { WorkspaceData, WorkspaceScope } from '../../actions/workspaces/ports.ts';
import type { Database } from './database.ts';

/** Tables with the requesting user's team_id and enterprise_id columns. */
const REQUESTER_TABLES = [
  'auth_links',
  'auth_sessions',
  'kept_requests',
  'alert_outbox',
  'alert_proposals',
  'digest_schedules',
  'agent_threads',
  'agent_approvals',
  'agent_edits',
] as const;

/** Tables keyed by workspace alone (no enterprise_id column). */
const WORKSPACE_KEYED_TABLES = ['alert_channels', 'agent_viewed_channels'] as const;

/** Tables with an account identifier column. */
const IDENTIFIER_TABLES = ['slack_users', 'auth_links', 'auth_sessions', 'kept_requests', 'digest_schedules', 'audit_log', 'connected_accounts', 'oauth_flows'];

export class SqlWorkspaceData implements WorkspaceData {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async identifiersIn(scope: WorkspaceScope): Promise<string[]> {
    const { scopeId, prefix } = scopeKeys(scope);
    // The identifier is derived from the scope (core/slackUser.ts); the directory's stored one is
    // asked too, in case a row outlived a change of the derivation.
    const union = IDENTIFIER_TABLES.map((table) => `SELECT identifier FROM ${table} WHERE identifier LIKE $1 ESCAPE '\\'`).join(' UNION ');
    const rows = await this.db.query<{ identifier: string }>(
      `${union} UNION SELECT identifier FROM slack_users WHERE scope_id = $2`,
      [`${likeEscaped(prefix)}%`, scopeId],
    );
    return rows.map((row) => row.identifier).sort();
  }

  async knownAgain(identifiers: string[]): Promise<string[]> {
    if (identifiers.length === 0) return [];
    const rows = await this.db.query<{ identifier: string }>(
      `SELECT identifier FROM slack_users WHERE identifier IN (${identifiers.map((_, i) => `$${i + 1}`).join(', ')})`,
      identifiers,
    );
    return rows.map((row) => row.identifier);
  }

  async erase(scope: WorkspaceScope, now: Date): Promise<Record<string, number>> {
    return this.db.transaction(async (tx) => {
      const report: Record<string, number> = {};
      const count = async (table: string, sql: string, params: unknown[]) => {
        report[table] = (report[table] ?? 0) + (await tx.query(`${sql} RETURNING 1 AS gone`, params)).length;
      };
      if (scope.kind === 'org') {
        // These know only workspaces: those of the org, as the other tables name them.
        const teams = REQUESTER_TABLES.map((table) => `SELECT team_id FROM ${table} WHERE enterprise_id = $1`).join(' UNION ');
        for (const table of WORKSPACE_KEYED_TABLES) {
          await count(table, `DELETE FROM ${table} WHERE team_id IN (${teams} UNION SELECT team_id FROM slack_users WHERE enterprise_id = $1)`, [scope.enterpriseId]);
        }
        for (const table of REQUESTER_TABLES) await count(table, `DELETE FROM ${table} WHERE enterprise_id = $1`, [scope.enterpriseId]);
      } else {
        for (const table of WORKSPACE_KEYED_TABLES) await count(table, `DELETE FROM ${table} WHERE team_id = $1`, [scope.teamId]);
        for (const table of REQUESTER_TABLES) await count(table, `DELETE FROM ${table} WHERE team_id = $1`, [scope.teamId]);
      }
      // Kept for their retention, and no read shows them (sqlAuditLog.ts).
      const hide = 'UPDATE audit_log SET workspace_removed_at = $1 WHERE workspace_removed_at IS NULL AND';
      if (scope.kind === 'workspace') await count('audit_log', `${hide} team_id = $2`, [now, scope.teamId]);
      else await count('audit_log', `${hide} identifier LIKE $2 ESCAPE '\\'`, [now, `${likeEscaped(scopeKeys(scope).prefix)}%`]);
      if (scope.kind === 'workspace' && scope.enterpriseId) return report;
      const { scopeId, prefix } = scopeKeys(scope);
      await count('slack_users', 'DELETE FROM slack_users WHERE scope_id = $1', [scopeId]);
      await count('oauth_flows', "DELETE FROM oauth_flows WHERE identifier LIKE $1 ESCAPE '\\'", [`${likeEscaped(prefix)}%`]);
      // Keys are `kind:scope:user`, and no part of them holds a colon of its own.
      await count('rate_buckets', "DELETE FROM rate_buckets WHERE key LIKE $1 ESCAPE '\\'", [`%:${likeEscaped(scopeId)}:%`]);
      return report;
    });
  }
}

/** The scope's id as the directory and the budgets key it, and the prefix of its users' identifiers. */
function scopeKeys(scope: WorkspaceScope): { scopeId: string; prefix: string } {
  return scope.kind === 'org'
    ? { scopeId: scope.enterpriseId, prefix: `slack:E:${scope.enterpriseId}:` }
    : { scopeId: scope.enterpriseId ?? scope.teamId, prefix: `slack:T:${scope.teamId}:` };
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
