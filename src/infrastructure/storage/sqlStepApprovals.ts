/**
 * Approvals of agent steps in SQL (agent_approvals): decided once, by their user, while unexpired
 * (sqlPendingDecisions.ts).
 */
import { APPROVAL_TTL_MS, proposedStepSchema, type ApprovalDecision, type ApprovalOutcome, type PendingApproval, type ProposedStep, type StepApprovals } from '../../actions/agent/approvals.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';
import { SqlPendingDecisions, type Pending, type PendingOutcome } from './sqlPendingDecisions.ts';

export class SqlStepApprovals implements StepApprovals {
  private readonly rows: SqlPendingDecisions<ProposedStep>;

  constructor(db: Database) {
    this.rows = new SqlPendingDecisions(db, { table: 'agent_approvals', column: 'step', parse: (json) => proposedStepSchema.parse(json), ttlMs: APPROVAL_TTL_MS });
  }

  async keep(proposedTo: SlackUser, step: ProposedStep, now: Date): Promise<PendingApproval> {
    return asApproval(await this.rows.keep(proposedTo, JSON.stringify(proposedStepSchema.parse(step)), now));
  }

  async peek(id: string, user: SlackUser, now: Date): Promise<PendingApproval | undefined> {
    const found = await this.rows.peek(id, user, now);
    return found && asApproval(found);
  }

  async decide(id: string, user: SlackUser, decision: ApprovalDecision, now: Date): Promise<ApprovalOutcome> {
    return asOutcome(await this.rows.decide(id, user, decision, now));
  }

  async revise(id: string, user: SlackUser, input: unknown, now: Date): Promise<ApprovalOutcome> {
    const current = await this.rows.peek(id, user, now);
    if (!current) return this.rows.refusal(id, user);
    // Conditional like decide: a press of Approve that got there first leaves the step as approved.
    return asOutcome(await this.rows.revise(id, user, JSON.stringify(proposedStepSchema.parse({ ...current.payload, input })), now));
  }
}

function asApproval({ payload, ...rest }: Pending<ProposedStep>): PendingApproval {
  return { ...rest, step: payload };
}

function asOutcome(outcome: PendingOutcome<ProposedStep>): ApprovalOutcome {
  return outcome.ok ? { ok: true, approval: asApproval(outcome.pending) } : outcome;
}
