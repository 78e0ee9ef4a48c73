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
  /** A fresh database with the migrations already applied, when this kind can make one quicker than `open` and `migrate`. */
  openMigrated?(): Promise<Database>;
}

/** The test server's URL for the database `name`. */
function urlOf(name: string): string {
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

async function createDatabase(name: string, template?: string): Promise<void> {
  const admin = new PostgresDatabase(inject('postgresUrl'), { maxConnections: 1 });
  try {
    await admin.exec(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.close();
  }
}

let migratedTemplate: Promise<string> | undefined;

/**
 * A database migrated once (per worker) and closed, that `freshPostgresUrl({ migrated: true })`
 * copies: copying it is quicker than running every migration again for each test's database.
 */
function migratedTemplateName(): Promise<string> {
  migratedTemplate ??= (async () => {
    const name = `template_${randomBytes(6).toString('hex')}`;
    await createDatabase(name);
    const db = new PostgresDatabase(urlOf(name), { maxConnections: 1 });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    return name;
  })();
  return migratedTemplate;
}

/**
 * A new database on the test server, so tests never see each other's rows: empty, or with every
 * migration applied (`migrated`).
 */
export async function freshPostgresUrl(options: { migrated?: boolean } = {}): Promise<string> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await createDatabase(name, options.migrated ? await migratedTemplateName() : undefined);
  return urlOf(name);
}

export const DATABASE_KINDS: DatabaseKind[] = [
  { name: 'embedded (SQLite)', open: () => openDatabase('memory://') },
  {
    name: 'PostgreSQL server',
    open: async () => new PostgresDatabase(await freshPostgresUrl()),
    openMigrated: async () => new PostgresDatabase(await freshPostgresUrl({ migrated: true })),
  },
];

/** A fresh database of this kind, migrated (`migrate` still runs: on a copy of the migrated template it finds nothing to do). */
export async function openMigrated(kind: DatabaseKind): Promise<Database> {
  const db = kind.openMigrated ? await kind.openMigrated() : await kind.open();
  await migrate(db);
  return db;
}
