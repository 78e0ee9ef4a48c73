/**
 * The storage interface on a PostgreSQL server, for running several bot instances against one
 * database. Same stores as the embedded SQLite default; its own dialect (dialect.ts) and migrations.
 */
import pg from 'pg';
import type { Database, Queryable } from './database.ts';
import { POSTGRES } from './dialect.ts';

// timestamptz columns come back as Date and jsonb parsed, by pg itself.
export class PostgresDatabase implements Database {
  readonly dialect = POSTGRES;
  private readonly pool: pg.Pool;

  constructor(connectionString: string, options: { maxConnections?: number } = {}) {
    this.pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server is reported here; without a listener it would crash the process.
    this.pool.on('error', () => {});
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[],
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async withConnection<T>(work: (connection: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await work({
        query: async <Row>(sql: string, params: unknown[] = []) => {
          try {
            return (await client.query(sql, params)).rows as Row[];
          } catch (error) {
            broken = error instanceof Error ? error : new Error(String(error));
            throw error;
          }
        },
      });
    } finally {
      // A connection that failed may still hold session state (a lock): closed, not pooled again.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
