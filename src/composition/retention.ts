/**
 * Part of the composition root: the retention purge (storage/retention.ts), once at start-up and
 * then every `intervalMs`. Every instance runs the task; on PostgreSQL one at a time does the work.
 */
import type { Logger } from '../infrastructure/logger.ts';
import { every, type Periodic } from '../infrastructure/periodic.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import { SqlRetention } from '../infrastructure/storage/retention.ts';

export function startRetention(
  db: Database,
  deps: { auditRetentionDays: number; intervalMs: number; logger: Logger; now: () => Date },
): Periodic {
  const retention = new SqlRetention(db, { auditRetentionDays: deps.auditRetentionDays });
  const { logger } = deps;
  const pass = async () => {
    const report = await retention.purge(deps.now());
    if (!report) return logger.debug('retention purge skipped: another instance is purging');
    const deleted = Object.values(report).reduce((sum, count) => sum + count, 0);
    if (deleted > 0) logger.info({ deleted: report }, 'purged rows past their retention');
  };
  // At start-up too: an instance restarted more often than the interval would otherwise never purge.
  const first = pass().catch((err: unknown) => logger.warn({ err, task: 'retention purge' }, 'periodic task failed'));
  const periodic = every(deps.intervalMs, 'retention purge', pass, logger);
  return {
    async stop() {
      await periodic.stop();
      await first;
    },
  };
}
