/**
 * The two dialects side by side: both migrations give the same tables and columns, and the
 * SQLite adapter keeps the promises the stores rely on (Date and boolean round trips, time order,
 * a file in WAL mode, transactions that other statements cannot join).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { openDatabase } from '../../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../../src/infrastructure/storage/migrations.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const [sqliteKind, postgresKind] = DATABASE_KINDS as [(typeof DATABASE_KINDS)[0], (typeof DATABASE_KINDS)[0]];
const opened: Database[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
});
async function open(kind: typeof sqliteKind): Promise<Database> {
  const db = await openMigrated(kind);
  opened.push(db);
  return db;
}

/** table → column → a type family both dialects agree on. */
async function schemaOf(db: Database): Promise<Record<string, Record<string, string>>> {
  const rows =
    db.dialect.name === 'postgres'
      ? await db.query<{ table_name: string; column_name: string; data_type: string }>(
          `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'`,
        )
      : await db.query<{ table_name: string; column_name: string; data_type: string }>(
          `SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type
           FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`,
        );
  const family = (type: string) => {
    const t = type.toLowerCase();
    if (t.startsWith('timestamp')) return 'time';
    if (t === 'boolean') return 'boolean';
    if (t === 'jsonb') return 'json';
    if (/int|serial/.test(t)) return 'integer';
    if (/double|real/.test(t)) return 'real';
    return 'text';
  };
  const schema: Record<string, Record<string, string>> = {};
  for (const row of rows) (schema[row.table_name] ??= {})[row.column_name] = family(row.data_type);
  return schema;
}

describe('migrations', () => {
  it('give the same tables, columns and column types on SQLite and PostgreSQL', async () => {
    const [sqlite, postgres] = await Promise.all([open(sqliteKind), open(postgresKind)]);
    const sqliteSchema = await schemaOf(sqlite);
    expect(Object.keys(sqliteSchema).length).toBeGreaterThan(8);
    expect(sqliteSchema).toEqual(await schemaOf(postgres));
  });

  it('run once: a second pass finds nothing to do', async () => {
    for (const kind of DATABASE_KINDS) {
      const db = await open(kind);
      expect(await migrate(db)).toEqual([]);
    }
  });
});

describe.each(DATABASE_KINDS)('portable SQL on $name', (kind) => {
  it('takes Date and boolean parameters and gives Date, boolean and JSON back, comparing times in order', async () => {
    const db = await open(kind);
    const at = new Date('2026-03-04T05:06:07.089Z');
    await db.query(
      `INSERT INTO alert_outbox (id, team_id, enterprise_id, user_id, channel_id, severity, text, mention_channel, created_at, status, next_attempt_at)
       VALUES ($1, 'T1', NULL, 'U1', 'C1', 'info', 'hi', $2, $3, 'pending', $3)`,
      ['a1', true, at],
    );
    const rows = await db.query<{ created_at: Date; mention_channel: boolean }>(
      'SELECT created_at, mention_channel FROM alert_outbox WHERE next_attempt_at <= $1 AND next_attempt_at > $2',
      [new Date(at.getTime() + 1), new Date(at.getTime() - 1)],
    );
    expect(rows).toEqual([{ created_at: at, mention_channel: true }]);
    expect(await db.query('SELECT id FROM alert_outbox WHERE next_attempt_at > $1', [at])).toEqual([]);
    // A millisecond apart is enough to order two times.
    const later = await db.query<{ n: number }>('SELECT CAST(count(*) AS integer) AS n FROM alert_outbox WHERE created_at < $1', [
      new Date('2026-03-04T05:06:07.090Z'),
    ]);
    expect(later[0]!.n).toBe(1);
    const kept = await db.query<{ input: unknown }>(
      `INSERT INTO kept_requests (id, identifier, connection, team_id, user_id, action, input, status, created_at, expires_at)
       VALUES ('k1', 'i', 'gmail', 'T1', 'U1', 'unread.list', $1, 'waiting', $2, $2) RETURNING input`,
      [JSON.stringify({ query: "it's $1", n: 5 }), at],
    );
    expect(kept[0]!.input).toEqual({ query: "it's $1", n: 5 });
  });

  it('runs a transaction without statements from elsewhere joining it, and rolls it back on error', async () => {
    const db = await open(kind);
    const insert = (key: string) => db.query('INSERT INTO rate_buckets (key, tokens, at) VALUES ($1, 1, $2)', [key, new Date()]);
    const failing = db.transaction(async (tx) => {
      await tx.query('INSERT INTO rate_buckets (key, tokens, at) VALUES ($1, 1, $2)', ['inside', new Date()]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('changed my mind');
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const outside = insert('outside');
    await expect(failing).rejects.toThrow('changed my mind');
    await outside;
    const keys = await db.query<{ key: string }>('SELECT key FROM rate_buckets ORDER BY key');
    expect(keys.map((row) => row.key)).toEqual(['outside']);
  });
});

describe('the SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created with its directory, in WAL mode, and keeps rows across reopening (path or file: URL)', async () => {
    const path = join(dir, 'nested', 'bot.sqlite');
    const first = await openDatabase(path);
    await migrate(first);
    await first.query('INSERT INTO alert_channels (team_id, channel_id, set_by, updated_at) VALUES ($1, $2, $3, $4)', ['T1', 'C1', 'U1', new Date(0)]);
    await first.close();
    const raw = new DatabaseSync(path);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
    const second = await openDatabase(`file://${path}`);
    expect(await second.query('SELECT channel_id, updated_at FROM alert_channels')).toEqual([{ channel_id: 'C1', updated_at: new Date(0) }]);
    expect(await migrate(second)).toEqual([]);
    await second.close();
  });

  it('names an old PGlite directory where the old default put it, and no other PostgreSQL directory', async () => {
    const place = join(dir, 'notices');
    for (const name of ['bot', 'postgres']) {
      mkdirSync(join(place, name), { recursive: true });
      writeFileSync(join(place, name, 'PG_VERSION'), '17\n');
    }
    const notices: string[] = [];
    const db = await openDatabase(join(place, 'bot.sqlite'), { notice: (message) => notices.push(message) });
    await db.close();
    expect(notices).toEqual([expect.stringContaining(`${join(place, 'bot')} is a data directory of the embedded PostgreSQL (PGlite)`)]);
    expect(notices[0]).toContain('can be deleted');
    const other: string[] = [];
    await (await openDatabase(join(place, 'other.sqlite'), { notice: (message) => other.push(message) })).close();
    expect(other).toEqual([]);
  });

  it('refuses a directory with a message naming the setting', async () => {
    await expect(openDatabase(dir)).rejects.toThrow(/DATABASE_URL names .*a directory/);
  });
});
