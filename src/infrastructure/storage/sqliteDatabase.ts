/**
 * The storage interface on SQLite through `node:sqlite` (built into Node 24): one file, WAL mode,
 * a busy timeout, foreign keys on. Statements take microseconds and run on the main thread, which
 * costs far less than a round trip to a server or PGlite's WebAssembly engine.
 *
 * The adapter lets stores speak as they do to PostgreSQL: `$1` parameters become SQLite's `?1`;
 * Date parameters are stored as ISO-8601 UTC text (fixed width, so text order is time order) and
 * booleans as 0/1; columns declared `timestamptz`, `boolean` or `jsonb` come back as Date,
 * boolean and parsed JSON, as pg returns them.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import type { Database, OpenOptions, Queryable } from './database.ts';
import { SQLITE } from './dialect.ts';
import { isPostgresDataDirectory, legacyDataDirectoryBeside, LegacyDataDirectoryError, legacyNotice } from './legacyDataDirectory.ts';

/** How long a statement waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;
/** Prepared statements kept; the bot uses a few dozen distinct ones. */
const STATEMENT_CACHE_SIZE = 500;

type Convert = (value: unknown) => unknown;

const FROM_DECLARED_TYPE: Record<string, Convert> = {
  timestamptz: (value) => (typeof value === 'string' ? new Date(value) : value),
  boolean: (value) => (value === null ? null : Boolean(value)),
  // A JSON number is stored as a number (the column has numeric affinity); String() gives it back.
  jsonb: (value) => (value === null ? null : JSON.parse(String(value))),
};

interface Prepared {
  statement: StatementSync;
  /** Column name → converter, for the columns that need one. */
  converters: Array<[string, Convert]>;
}

export function sqlitePathOf(url: string): string {
  if (url === 'memory://' || url === ':memory:') return ':memory:';
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (url.startsWith('file:')) return url.slice('file:'.length);
  return url;
}

export function openSqlite(url: string, options: OpenOptions = {}): SqliteDatabase {
  const path = sqlitePathOf(url);
  if (path !== ':memory:') {
    if (isDirectory(path)) {
      if (isPostgresDataDirectory(path)) throw new LegacyDataDirectoryError(path);
      throw new Error(`DATABASE_URL names ${path}, a directory; it must name the SQLite file, e.g. ./data/bot.sqlite.`);
    }
    mkdirSync(dirname(path), { recursive: true });
    const legacy = legacyDataDirectoryBeside(path);
    if (legacy) options.notice?.(legacyNotice(legacy));
  }
  return new SqliteDatabase(new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true }));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export class SqliteDatabase implements Database {
  readonly dialect = SQLITE;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, Prepared>();
  /** Set while a transaction runs: statements from elsewhere wait for it instead of joining it. */
  private transactionDone: Promise<void> | undefined;

  constructor(db: DatabaseSync) {
    this.db = db;
    // WAL: readers never wait for the writer. NORMAL sync in WAL mode survives the process
    // crashing (not a power cut mid-commit) and spares an fsync on the main thread per commit.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON');
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    while (this.transactionDone) await this.transactionDone;
    return this.run<Row>(sql, params);
  }

  async exec(sql: string): Promise<void> {
    while (this.transactionDone) await this.transactionDone;
    this.db.exec(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    while (this.transactionDone) await this.transactionDone;
    let finish!: () => void;
    this.transactionDone = new Promise((resolve) => (finish = resolve));
    let open = true;
    const tx: Queryable = {
      query: async <Row>(sql: string, params: unknown[] = []) => {
        if (!open) throw new Error('query on a finished transaction');
        return this.run<Row>(sql, params);
      },
    };
    try {
      // IMMEDIATE takes the write lock now, so the transaction never fails half-way to upgrade it.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      open = false;
      this.transactionDone = undefined;
      finish();
    }
  }

  /** One connection already: statements wait for a running transaction, as `query` does. */
  async withConnection<T>(work: (connection: Queryable) => Promise<T>): Promise<T> {
    return work({ query: (sql, params) => this.query(sql, params) });
  }

  async close(): Promise<void> {
    while (this.transactionDone) await this.transactionDone;
    if (this.db.isOpen) this.db.close();
  }

  private run<Row>(sql: string, params: unknown[]): Row[] {
    const { statement, converters } = this.prepare(sql);
    const rows = statement.all(...params.map(toSqlite)) as Array<Record<string, unknown>>;
    return rows.map((row) => {
      const plain: Record<string, unknown> = { ...row };
      for (const [name, convert] of converters) plain[name] = convert(plain[name]);
      return plain as Row;
    });
  }

  private prepare(sql: string): Prepared {
    const cached = this.statements.get(sql);
    if (cached) return cached;
    const statement = this.db.prepare(numberedParameters(sql));
    const converters: Array<[string, Convert]> = [];
    for (const column of statement.columns()) {
      const convert = column.type ? FROM_DECLARED_TYPE[column.type.toLowerCase()] : undefined;
      if (convert) converters.push([column.name, convert]);
    }
    if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear();
    const prepared = { statement, converters };
    this.statements.set(sql, prepared);
    return prepared;
  }
}

/** `$1` → `?1`, leaving string literals alone. */
function numberedParameters(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|\$(\d+)/g, (match, index: string | undefined) => (index ? `?${index}` : match));
}

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object' && !ArrayBuffer.isView(value)) return JSON.stringify(value);
  return value as SQLInputValue;
}
