/**
 * How long each table keeps a row once it is no longer needed, and the purge that enforces it:
 * small batched DELETEs (a few hundred rows per statement, each committed on its own, so no purge
 * holds locks or a transaction for long), run by one instance at a time (on PostgreSQL under an
 * advisory lock; see `singleRunnerLock` in dialect.ts).
 *
 * Slack users are not purged here: whether someone still has a connected account is known only to
 * the agent-auth backend (Scalekit keeps its accounts on its side), so the user directory forgets a
 * user where a Disconnect leaves them with none (see the Home tab).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database, Queryable } from './database.ts';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** Stated lifetimes, counted from when a row stopped being needed (README: "What the bot keeps"). */
export const LIFETIMES = {
  /** Connect links, browser sessions, OAuth flows and alert proposals: a day after used, decided or expired. */
  shortLived: DAY_MS,
  /** Kept requests after they finished (done, failed or expired); team alerts after they were posted or given up. */
  finishedWork: 7 * DAY_MS,
} as const;

/** Rows deleted per statement. */
const DEFAULT_BATCH = 500;
/** Any fixed number: it names the lock that lets one instance at a time purge. */
const PURGE_LOCK = 7_214_404;

interface Rule {
  table: string;
  /** The columns that identify a row, comma-separated (e.g. `channel_id, thread_ts`). */
  key: string;
  /** True for a row to delete; `$1` is the cutoff time. */
  expired: string;
  /** How long after the moment `expired` tests a row is kept. */
  keepMs: number;
}

/** Rows deleted per table in one purge. */
export type PurgeReport = Record<string, number>;

export class SqlRetention {
  private readonly db: Database;
  private readonly rules: Rule[];
  private readonly batchSize: number;

  constructor(db: Database, options: { auditRetentionDays: number; batchSize?: number }) {
    this.db = db;
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
    // Used rows are used before they expire (using one requires that), so COALESCE picks
    // whichever came first: the moment the row stopped being needed.
    this.rules = [
      { table: 'auth_links', key: 'token_hash', expired: 'COALESCE(used_at, expires_at) < $1', keepMs: LIFETIMES.shortLived },
      { table: 'auth_sessions', key: 'session_hash', expired: 'COALESCE(completed_at, expires_at) < $1', keepMs: LIFETIMES.shortLived },
      { table: 'oauth_flows', key: 'state_hash', expired: 'COALESCE(used_at, expires_at) < $1', keepMs: LIFETIMES.shortLived },
      { table: 'slack_install_states', key: 'state_hash', expired: 'COALESCE(used_at, expires_at) < $1', keepMs: LIFETIMES.shortLived },
      { table: 'alert_proposals', key: 'id', expired: 'COALESCE(decided_at, expires_at) < $1', keepMs: LIFETIMES.shortLived },
      // Stored with expires_at a day after the event arrived (sqlProcessedEvents.ts).
      { table: 'processed_events', key: 'key', expired: 'expires_at < $1', keepMs: 0 },
      // A waiting request past its expiry is finished too, even if no claim has marked it so yet.
      {
        table: 'kept_requests',
        key: 'id',
        expired: "(finished_at < $1 OR (status = 'waiting' AND expires_at < $1))",
        keepMs: LIFETIMES.finishedWork,
      },
      // Delivery gives up within minutes of raising, so a week after raising is a week after settling.
      { table: 'alert_outbox', key: 'id', expired: "status IN ('posted', 'failed') AND created_at < $1", keepMs: LIFETIMES.finishedWork },
      { table: 'audit_log', key: 'id', expired: 'at < $1', keepMs: options.auditRetentionDays * DAY_MS },
      // Decided or not, a step's approval is kept a day past its expiry for anyone looking into it.
      { table: 'agent_approvals', key: 'id', expired: 'expires_at < $1', keepMs: LIFETIMES.shortLived },
      // A conversation's state is worth nothing once expired (reads ignore it already).
      { table: 'agent_threads', key: 'channel_id, thread_ts', expired: 'expires_at < $1', keepMs: 0 },
      // An uninstall's own record (which workspace, when): a day after it was carried out.
      { table: 'workspace_removals', key: 'id', expired: 'done_at < $1', keepMs: LIFETIMES.shortLived },
      // An Edit modal saved or left open past its step's hour is worth nothing; nor is an old view.
      { table: 'agent_edits', key: 'id', expired: 'COALESCE(used_at, expires_at) < $1', keepMs: 0 },
      { table: 'agent_viewed_channels', key: 'team_id, user_id', expired: 'expires_at < $1', keepMs: 0 },
    ];
  }

  /**
   * Deletes every row past its lifetime at `now`. Undefined when another instance is purging (it
   * does the same work); on SQLite it always runs.
   */
  async purge(now: Date): Promise<PurgeReport | undefined> {
    const lock = this.db.dialect.singleRunnerLock;
    if (!lock) return this.purgeWith(this.db, now);
    return this.db.withConnection(async (connection) => {
      const taken = await connection.query<{ taken: boolean }>(lock.take, [PURGE_LOCK]);
      if (taken[0]?.taken !== true) return undefined;
      try {
        return await this.purgeWith(connection, now);
      } finally {
        await connection.query(lock.release, [PURGE_LOCK]);
      }
    });
  }

  private async purgeWith(connection: Queryable, now: Date): Promise<PurgeReport> {
    const report: PurgeReport = {};
    for (const rule of this.rules) report[rule.table] = await this.purgeTable(connection, rule, new Date(now.getTime() - rule.keepMs));
    return report;
  }

  private async purgeTable(connection: Queryable, rule: Rule, cutoff: Date): Promise<number> {
    // PostgreSQL's DELETE takes no LIMIT: the batch is picked by a subquery, skipping rows another
    // transaction holds (an alert being claimed) rather than waiting for them.
    // A row value, `(a, b) IN (SELECT a, b …)`, which both databases take, also for one column.
    const sql = `DELETE FROM ${rule.table} WHERE (${rule.key}) IN (
        SELECT ${rule.key} FROM ${rule.table} WHERE ${rule.expired} LIMIT $2 ${this.db.dialect.claimRows}
      ) RETURNING ${rule.key}`;
    let deleted = 0;
    for (;;) {
      const gone = await connection.query(sql, [cutoff, this.batchSize]);
      deleted += gone.length;
      if (gone.length < this.batchSize) return deleted;
      // SQLite runs on the main thread: let requests in between batches.
      await nextTurn();
    }
  }
}
