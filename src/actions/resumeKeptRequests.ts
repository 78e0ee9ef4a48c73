/**
 * Use case: once an account becomes ACTIVE, carry out the requests that were waiting for it, each
 * exactly once, and hand every outcome to the front-end to deliver.
 */
import { asAppError, type AppError } from '../core/errors.ts';
import { attempt, audited, type AuditLog, type RunOutcome } from './audit.ts';
import type { ActionCatalog } from './catalog.ts';
import type { KeptRequest, KeptRequestStore } from './ports.ts';

export type KeptOutcome = { ok: true; result: unknown } | { ok: false; error: AppError };

export type DeliverOutcome = (request: KeptRequest, outcome: KeptOutcome) => Promise<void>;

export class ResumeKeptRequests {
  private readonly deps: {
    catalog: ActionCatalog;
    keptRequests: KeptRequestStore;
    now: () => Date;
    /** Where each run is recorded (who, what, when, outcome); optional for tests of the flow alone. */
    audit?: AuditLog | undefined;
    onAuditError?: ((error: unknown) => void) | undefined;
  };

  constructor(deps: ResumeKeptRequests['deps']) {
    this.deps = deps;
  }

  /** Returns how many requests were carried out. */
  async run(identifier: string, connection: string, deliver: DeliverOutcome): Promise<number> {
    const { keptRequests } = this.deps;
    const claimed = await keptRequests.claimWaiting(identifier, connection, this.deps.now());
    for (const request of claimed) {
      let ok = false;
      try {
        await this.runAudited(request, async (outcome) => {
          ok = outcome.ok;
          await deliver(request, outcome.ok ? outcome : { ok: false, error: asAppError(outcome.error) });
        });
      } finally {
        await keptRequests.finish(request.id, ok ? 'done' : 'failed', this.deps.now());
      }
    }
    return claimed.length;
  }

  private async runAudited(request: KeptRequest, deliver: (outcome: RunOutcome<unknown>) => Promise<void>): Promise<void> {
    const run = () => this.deps.catalog.run(request.action, request.identifier, request.input);
    if (!this.deps.audit) return deliver(await attempt(run));
    const subject = {
      identifier: request.identifier,
      slackUserId: request.requester.userId,
      teamId: request.requester.teamId,
      action: request.action,
      connection: request.connection,
    };
    return audited(this.deps.audit, subject, this.deps.now, run, deliver, this.deps.onAuditError);
  }
}
