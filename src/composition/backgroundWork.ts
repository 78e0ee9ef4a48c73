/**
 * Part of the composition root: the periodic work that runs once the bot is ready. The sweep for
 * kept requests whose account became usable, the team-alert delivery pass, and (built-in backend)
 * the retry of grant revocations the provider could not take, due digests, the retention purge, and
 * uninstalled workspaces' removals left unfinished.
 */
import { LocalAgentAuth } from '../agentAuth/local/localAgentAuth.ts';
import type { AgentAuth } from '../agentAuth/port.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { every, type Periodic } from '../infrastructure/periodic.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import type { ForgetWorkspace } from '../actions/workspaces/forgetWorkspace.ts';
import type { ConnectFlow } from './connectFlow.ts';
import { startRetention } from './retention.ts';
import type { SlackSurfaces } from './slackSurfaces.ts';

export interface BackgroundIntervals {
  /** How often to look for kept requests whose account has become usable (default 30 s). */
  keptRequestSweepMs?: number;
  /** How often to post due team alerts (default 2 s; each accepted alert also starts a pass at once). */
  alertDeliveryMs?: number;
  /** How often to try again to revoke replaced grants the provider could not be reached for (default 5 min). */
  revocationRetryMs?: number;
  /** How often to delete rows past their retention (default 10 min; also once at start). */
  retentionPurgeMs?: number;
  /** How often to look for digests that are due (default 20 s). */
  digestCheckMs?: number;
  /** How often to carry on with uninstalled workspaces' removals left unfinished (default 1 min). */
  workspaceRemovalMs?: number;
}

export interface BackgroundWork {
  start(): void;
  stop(): Promise<void>;
}

export function backgroundWork(
  intervals: BackgroundIntervals,
  deps: {
    flow: ConnectFlow; slack: SlackSurfaces; agentAuth: AgentAuth; db: Database; auditRetentionDays: number;
    workspaceRemoval: Pick<ForgetWorkspace, 'runDue'>; logger: Logger; now: () => Date;
  },
): BackgroundWork {
  const { flow, slack, agentAuth, logger } = deps;
  let running: Periodic[] = [];
  return {
    start() {
      running.push(
        every(intervals.keptRequestSweepMs ?? 30_000, 'kept request sweep', async () => {
          const carried = await flow.sweeper.sweep(slack.deliverKept, slack.tellKeptDropped);
          if (carried > 0) logger.info({ carried }, 'carried out kept requests found by the sweep');
        }, logger),
        slack.teamAlerts.startDelivery(intervals.alertDeliveryMs ?? 2_000),
        every(intervals.digestCheckMs ?? 20_000, 'digest delivery', async () => {
          const delivered = await slack.digests.runDue();
          logger.debug({ delivered }, 'digest pass done');
        }, logger),
        // A removal that crashed half way, or met a provider it could not reach, on any instance.
        every(intervals.workspaceRemovalMs ?? 60_000, 'workspace removal', async () => {
          const finished = await deps.workspaceRemoval.runDue();
          if (finished > 0) logger.info({ finished }, 'finished workspace removals found by the pass');
        }, logger),
        startRetention(deps.db, { auditRetentionDays: deps.auditRetentionDays, intervalMs: intervals.retentionPurgeMs ?? 10 * 60_000, logger, now: deps.now }),
      );
      if (agentAuth instanceof LocalAgentAuth) {
        running.push(every(intervals.revocationRetryMs ?? 5 * 60_000, 'revocation retry', async () => {
          const revoked = await agentAuth.retryRevocations();
          if (revoked > 0) logger.info({ revoked }, 'revoked replaced grants that were waiting');
        }, logger));
      }
    },
    async stop() {
      const stopping = running;
      running = [];
      for (const periodic of stopping) await periodic.stop();
    },
  };
}
