/**
 * The one storage interface: SQL with numbered parameters, as PostgreSQL speaks it. The embedded
 * default is PGlite (PostgreSQL compiled to WebAssembly, no native build), so one set of
 * migrations serves the embedded database and a PostgreSQL server alike.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

export interface Database {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
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

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}

/**
 * `memory://` keeps everything in memory (tests); anything else that is not a postgres:// URL is
 * a directory for the embedded database (created if missing).
 */
export async function openDatabase(url: string): Promise<Database> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    throw new Error(
      'DATABASE_URL: postgres:// URLs are not supported yet; use a directory path for the embedded database',
    );
  }
  if (url === 'memory://' || url === ':memory:') return new PGliteDatabase(await PGlite.create());
  const dir = url.replace(/^file:\/\//, '');
  mkdirSync(dir, { recursive: true });
  return new PGliteDatabase(await PGlite.create(dir));
}
