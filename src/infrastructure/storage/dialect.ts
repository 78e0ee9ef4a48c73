/**
 * Where the two SQL dialects differ, each says it here, once. Stores write portable SQL with `$1`
 * parameters and take the few non-portable pieces from `db.dialect`; migrations are written once
 * per dialect (migrations.ts). Everything else (ON CONFLICT upserts, RETURNING, partial indexes,
 * Date parameters) reads the same on both: the SQLite adapter stores times as ISO-8601 UTC text,
 * which compares in time order, and gives them back as Date.
 */
export interface SqlDialect {
  readonly name: 'postgres' | 'sqlite';
  /**
   * Appended to a SELECT that picks rows to claim. PostgreSQL locks them and lets a second
   * instance skip to other rows; SQLite has one writer at a time, so there is nothing to skip.
   */
  readonly claimRows: string;
  /** Appended to a SELECT that reads a row to update in the same transaction. */
  readonly lockRow: string;
  /** The text between the first and second `.` of `expression`. */
  secondDotField(expression: string): string;
  /**
   * Run first in the migration transaction so instances starting together take turns. SQLite's
   * transactions already hold the one write lock (BEGIN IMMEDIATE), so it needs none.
   */
  readonly migrationLock?: { sql: string; params: unknown[] };
  /**
   * Lets one instance at a time do a housekeeping job (the retention purge): `take` answers one row
   * with `taken` true or false, without waiting; `release` gives it back. Both run on one connection
   * (`Database.withConnection`), so a lock whose instance dies goes with its connection. SQLite has
   * one process and one writer: every job may run, and deleting what is already gone is harmless.
   */
  readonly singleRunnerLock?: { take: string; release: string };
}

/** Any fixed number: it names the lock that serialises migrations across instances starting at once. */
const MIGRATION_LOCK = 7_214_403;

export const POSTGRES: SqlDialect = {
  name: 'postgres',
  claimRows: 'FOR UPDATE SKIP LOCKED',
  lockRow: 'FOR UPDATE',
  secondDotField: (expression) => `split_part(${expression}, '.', 2)`,
  migrationLock: { sql: 'SELECT pg_advisory_xact_lock($1)', params: [MIGRATION_LOCK] },
  // Session-level, not transaction-level: the job commits in small batches while holding it.
  singleRunnerLock: { take: 'SELECT pg_try_advisory_lock($1) AS taken', release: 'SELECT pg_advisory_unlock($1)' },
};

export const SQLITE: SqlDialect = {
  name: 'sqlite',
  claimRows: '',
  lockRow: '',
  secondDotField: (e) => {
    const rest = `substr(${e}, instr(${e}, '.') + 1)`;
    return `CASE WHEN instr(${rest}, '.') > 0 THEN substr(${rest}, 1, instr(${rest}, '.') - 1) ELSE ${rest} END`;
  },
};
