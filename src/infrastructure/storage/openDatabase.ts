/**
 * Opens the database a URL names. Apart from the interface (database.ts) so that neither
 * implementation imports the module that imports it: each loads only when its URL is used.
 */
import type { Database, OpenOptions } from './database.ts';

/**
 * `postgres://` or `postgresql://`: a PostgreSQL server. `memory://` keeps everything in memory
 * (tests). Anything else is the SQLite file (a path or a `file:` URL; created if missing).
 */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { PostgresDatabase } = await import('./postgresDatabase.ts');
    const db = new PostgresDatabase(url);
    await db.query('SELECT 1');
    return db;
  }
  const { openSqlite } = await import('./sqliteDatabase.ts');
  return openSqlite(url, options);
}
