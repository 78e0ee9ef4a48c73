/**
 * The one storage interface: SQL with numbered parameters, as PostgreSQL speaks it. The embedded
 * default is PGlite (PostgreSQL compiled to WebAssembly, no native build); `postgres://` URLs use
 * a PostgreSQL server. One set of migrations serves both.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  /** Runs several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

class PGliteDatabase implements Database {
  private readonly db: PGlite;

  constructor(db: PGlite) {
    this.db = db;
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <Row>(sql: string, params: unknown[] = []) => (await tx.query<Row>(sql, params)).rows,
      }),
    );
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

/**
 * `postgres://` or `postgresql://`: a PostgreSQL server. `memory://` keeps everything in memory
 * (tests). Anything else is a directory for the embedded database (created if missing).
 */
export async function openDatabase(url: string): Promise<Database> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { PostgresDatabase } = await import('./postgresDatabase.ts');
    const db = new PostgresDatabase(url);
    await db.query('SELECT 1');
    return db;
  }
  if (url === 'memory://' || url === ':memory:') return new PGliteDatabase(await PGlite.create());
  const dir = url.replace(/^file:\/\//, '');
  mkdirSync(dir, { recursive: true });
  return new PGliteDatabase(await PGlite.create(dir));
}
