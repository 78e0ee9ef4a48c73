/**
 * The retention task as the bot runs it: a pass at start-up, then one every interval, each at the
 * bot's clock of the moment; stop() waits for a pass under way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRetention } from '../../../src/composition/retention.ts';
import type { Periodic } from '../../../src/infrastructure/periodic.ts';
import { createLogger } from '../../../src/infrastructure/logger.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { openDatabase } from '../../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../../src/infrastructure/storage/migrations.ts';
import { SqlProcessedEvents } from '../../../src/infrastructure/storage/sqlProcessedEvents.ts';
import { LogCapture } from '../../helpers/logCapture.ts';

const DAY = 24 * 60 * 60_000;
let db: Database;
let task: Periodic | undefined;
afterEach(async () => {
  await task?.stop();
  await db?.close();
});

describe('startRetention', () => {
  it('purges at start-up, then again each interval at the clock of the moment', async () => {
    db = await openDatabase('memory://');
    await migrate(db);
    const t0 = new Date('2026-11-25T12:00:00Z');
    const events = new SqlProcessedEvents(db);
    await events.firstSeen('stale', new Date(t0.getTime() - 2 * DAY));
    await events.firstSeen('recent', t0);
    let clock = t0;
    const logs = new LogCapture();
    task = startRetention(db, { auditRetentionDays: 90, intervalMs: 20, logger: createLogger({ level: 'info', destination: logs.stream }), now: () => clock });
    const keys = async () => (await db.query<{ key: string }>('SELECT key FROM processed_events ORDER BY key')).map((row) => row.key);
    await expect.poll(keys).toEqual(['recent']);
    clock = new Date(t0.getTime() + DAY + 1_000);
    await expect.poll(keys).toEqual([]);
    await expect.poll(() => logs.text).toContain('purged rows past their retention');
  });
});
