/** The alert outbox, alert channels and audit log on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlAlertChannelSettings } from '../../../src/infrastructure/storage/sqlAlertChannelSettings.ts';
import { SqlAlertOutbox } from '../../../src/infrastructure/storage/sqlAlertOutbox.ts';
import { SqlAuditLog } from '../../../src/infrastructure/storage/sqlAuditLog.ts';
import { alertOutboxContract, sampleAlert } from '../../helpers/alertOutboxContract.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

describe.each(DATABASE_KINDS)('on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  alertOutboxContract('SQL', async () => {
    await db.query('DELETE FROM alert_outbox');
    return new SqlAlertOutbox(db);
  });

  it('lets two claimers at once take different alerts', async () => {
    await db.query('DELETE FROM alert_outbox');
    const outbox = new SqlAlertOutbox(db);
    for (let i = 0; i < 10; i++) await outbox.enqueue(sampleAlert({ text: `alert ${i}` }));
    const now = new Date('2026-03-27T09:00:00Z');
    const [a, b] = await Promise.all([outbox.claimDue(now, { limit: 6 }), outbox.claimDue(now, { limit: 6 })]);
    const ids = [...a!, ...b!].map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(10);
  });

  it('keeps one alert channel per workspace', async () => {
    const settings = new SqlAlertChannelSettings(db);
    expect(await settings.channelFor('T9')).toBeUndefined();
    await settings.setChannel('T9', 'C1', 'U1', new Date());
    await settings.setChannel('T9', 'C2', 'U2', new Date());
    expect(await settings.channelFor('T9')).toBe('C2');
  });

  it('returns a user their own newest audit entries', async () => {
    const log = new SqlAuditLog(db);
    const base = { slackUserId: 'U1', teamId: 'T1', connection: 'gmail' };
    await log.record({ ...base, identifier: 'id-a', action: 'unread.list', at: new Date(1000), outcome: 'ok' });
    await log.record({ ...base, identifier: 'id-a', action: 'unread.list', at: new Date(2000), outcome: 'failed', errorCode: 'UPSTREAM_UNAVAILABLE' });
    await log.record({ ...base, identifier: 'id-b', action: 'unread.list', at: new Date(3000), outcome: 'ok' });
    const entries = await log.recent('id-a', 10);
    expect(entries.map((e) => e.outcome)).toEqual(['failed', 'ok']);
    expect(entries[0]).toMatchObject({ errorCode: 'UPSTREAM_UNAVAILABLE', connection: 'gmail' });
  });

  it('keeps every one of many audit entries written at once, each with its own fields', async () => {
    const log = new SqlAuditLog(db);
    const identifier = 'id-burst';
    await Promise.all(
      Array.from({ length: 450 }, (_, i) =>
        log.record({
          identifier,
          slackUserId: `U${i}`,
          teamId: 'T1',
          action: 'unread.list',
          connection: i % 2 ? 'gmail' : undefined,
          at: new Date(10_000 + i),
          outcome: i % 3 ? 'ok' : 'failed',
          ...(i % 3 ? {} : { errorCode: 'RATE_LIMITED' as const }),
        }),
      ),
    );
    const rows = await db.query<{ n: number }>('SELECT CAST(count(*) AS integer) AS n FROM audit_log WHERE identifier = $1', [identifier]);
    expect(rows[0]!.n).toBe(450);
    const newest = await log.recent(identifier, 3);
    expect(newest.map((e) => [e.slackUserId, e.at.getTime(), e.connection, e.outcome, e.errorCode])).toEqual([
      ['U449', 10_449, 'gmail', 'ok', undefined],
      ['U448', 10_448, undefined, 'ok', undefined],
      ['U447', 10_447, 'gmail', 'failed', 'RATE_LIMITED'],
    ]);
  });
});
