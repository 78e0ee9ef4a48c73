/**
 * Part of the composition root: the database (opened and migrated) and the stores on it that the
 * connect flow and the Slack surfaces share. Team alerts and budgets build their own stores from `db`.
 */
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { migrate } from '../infrastructure/storage/migrations.ts';
import { openDatabase } from '../infrastructure/storage/openDatabase.ts';
import { SqlAlertProposals } from '../infrastructure/storage/sqlAlertProposals.ts';
import { SqlAuditLog } from '../infrastructure/storage/sqlAuditLog.ts';
import { SqlAuthLinkStore } from '../infrastructure/storage/sqlAuthLinkStore.ts';
import { SqlAuthSessionStore } from '../infrastructure/storage/sqlAuthSessionStore.ts';
import { SqlKeptRequestStore } from '../infrastructure/storage/sqlKeptRequestStore.ts';
import { SqlProcessedEvents } from '../infrastructure/storage/sqlProcessedEvents.ts';
import { SqlUserDirectory } from '../infrastructure/storage/sqlUserDirectory.ts';
import { SqlStepApprovals } from '../infrastructure/storage/sqlStepApprovals.ts';
import { SqlThreadStates } from '../infrastructure/storage/sqlThreadStates.ts';
import { SqlStepEdits } from '../infrastructure/storage/sqlStepEdits.ts';
import { SqlViewedChannels } from '../infrastructure/storage/sqlViewedChannels.ts';

export type Storage = Awaited<ReturnType<typeof openStorage>>;

export async function openStorage(config: Pick<Config, 'databaseUrl'>, logger: Logger) {
  const db = await openDatabase(config.databaseUrl, { notice: (message) => logger.warn(message) });
  await migrate(db);
  return {
    db,
    links: new SqlAuthLinkStore(db),
    sessions: new SqlAuthSessionStore(db),
    keptRequests: new SqlKeptRequestStore(db),
    users: new SqlUserDirectory(db),
    audit: new SqlAuditLog(db),
    deliveries: new SqlProcessedEvents(db),
    proposals: new SqlAlertProposals(db),
    threads: new SqlThreadStates(db),
    approvals: new SqlStepApprovals(db),
    edits: new SqlStepEdits(db),
    viewedChannels: new SqlViewedChannels(db),
  };
}
