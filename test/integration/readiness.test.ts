/** /readyz follows the database; /healthz stays a liveness check. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDatabase } from '../../src/infrastructure/storage/postgresDatabase.ts';
import { startHarness, type Harness } from '../helpers/botHarness.ts';
import { freshPostgresUrl } from '../helpers/databases.ts';
import { inject } from 'vitest';

let h: Harness;
let dbName: string;
let admin: PostgresDatabase;

beforeAll(async () => {
  const url = await freshPostgresUrl();
  dbName = new URL(url).pathname.slice(1);
  admin = new PostgresDatabase(inject('postgresUrl'), { maxConnections: 1 });
  h = await startHarness({ DATABASE_URL: url });
}, 60_000);
afterAll(async () => {
  await admin.query('UPDATE pg_database SET datallowconn = true WHERE datname = $1', [dbName]).catch(() => {});
  await h?.close();
  await admin?.close();
});

describe('readiness', () => {
  it('is ready while the database answers, not while it does not, and ready again after', async () => {
    expect((await fetch(`${h.botUrl}/readyz`)).status).toBe(200);

    await admin.query('UPDATE pg_database SET datallowconn = false WHERE datname = $1', [dbName]);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
    expect((await fetch(`${h.botUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${h.botUrl}/healthz`)).status).toBe(200);

    await admin.query('UPDATE pg_database SET datallowconn = true WHERE datname = $1', [dbName]);
    expect((await fetch(`${h.botUrl}/readyz`)).status).toBe(200);
  });
});
