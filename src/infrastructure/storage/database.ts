/**
 * The one storage interface: SQL with numbered parameters (`$1`), Date parameters and Date
 * results on both databases. The embedded default is SQLite (`node:sqlite`, built into Node: one
 * file, nothing to install); `postgres://` URLs use a PostgreSQL server, for several instances.
 * Where the two dialects differ, `dialect` says how (see dialect.ts); `openDatabase.ts` picks one.
 *
 * Portable SQL runs on both as it is: pass times as Date parameters (not `now()` or interval
 * arithmetic), cast with `CAST(x AS integer)` (not `::int`), upsert with `ON CONFLICT`, and read
 * back with `RETURNING`.
 */
import type { SqlDialect } from './dialect.ts';

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  readonly dialect: SqlDialect;
  /** Runs several statements with no parameters. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` on one connection, each statement committed on its own: for what must stay on one
   * session across statements (a session-level lock) without one long transaction.
   */
  withConnection<T>(work: (connection: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Told about things the operator should know but that do not stop the bot (an old data directory). */
  notice?: (message: string) => void;
}
