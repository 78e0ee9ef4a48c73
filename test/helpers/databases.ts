/**
 * The databases the storage tests run against: the embedded default and a real PostgreSQL server
 * (started by test/setup/postgres.ts). Each call gets a fresh, empty, migrated database.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Database } from '../../src/infrastructure/storage/database.ts';
import { openDatabase } from '../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../src/infrastructure/storage/migrations.ts';
import { PostgresDatabase } from '../../src/infrastructure/storage/postgresDatabase.ts';

export interface DatabaseKind {
  name: string;
  open(): Promise<Database>;
}

/** A new database on the test server, so tests never see each other's rows. */
export async function freshPostgresUrl(): Promise<string> {
  const serverUrl = inject('postgresUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new PostgresDatabase(serverUrl, { maxConnections: 1 });
  try {
    await admin.exec(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export const DATABASE_KINDS: DatabaseKind[] = [
  { name: 'embedded (SQLite)', open: () => openDatabase('memory://') },
  { name: 'PostgreSQL server', open: async () => new PostgresDatabase(await freshPostgresUrl()) },
];

export async function openMigrated(kind: DatabaseKind): Promise<Database> {
  const db = await kind.open();
  await migrate(db);
  return db;
}
