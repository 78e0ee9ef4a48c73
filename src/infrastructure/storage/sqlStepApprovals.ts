/**
 * Approvals of agent steps in SQL: deciding is one conditional UPDATE, so two presses (or instances)
 * decide once. Old ones are dropped by the retention purge (retention.ts).
 */
import { randomUUID } from 'node:crypto';
import { APPROVAL_TTL_MS, proposedStepSchema, type ApprovalDecision, type ApprovalOutcome, type PendingApproval, type ProposedStep, type StepApprovals } from '../../actions/agent/approvals.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

interface Row extends RequesterColumns {
  id: string;
  step: string;
  created_at: Date;
  expires_at: Date;
}

function fromRow(row: Row): PendingApproval {
  return {
    id: row.id,
    proposedTo: requesterFromRow(row),
    step: proposedStepSchema.parse(JSON.parse(row.step)),
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}

export class SqlStepApprovals implements StepApprovals {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async keep(proposedTo: SlackUser, step: ProposedStep, now: Date): Promise<PendingApproval> {
    const rows = await this.db.query<Row>(
      `INSERT INTO agent_approvals (id, team_id, enterprise_id, user_id, step, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [randomUUID(), ...requesterParams(proposedTo), JSON.stringify(proposedStepSchema.parse(step)), now, new Date(now.getTime() + APPROVAL_TTL_MS)],
    );
    return fromRow(rows[0] as Row);
  }

  async peek(id: string, user: SlackUser, now: Date): Promise<PendingApproval | undefined> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM agent_approvals WHERE id = $1 AND team_id = $2 AND user_id = $3 AND decided_at IS NULL AND expires_at > $4',
      [id, user.teamId, user.userId, now],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async decide(id: string, user: SlackUser, decision: ApprovalDecision, now: Date): Promise<ApprovalOutcome> {
    const taken = await this.db.query<Row>(
      `UPDATE agent_approvals SET decided_at = $4, decision = $5
       WHERE id = $1 AND team_id = $2 AND user_id = $3 AND decided_at IS NULL AND expires_at > $4
       RETURNING *`,
      [id, user.teamId, user.userId, now, decision],
    );
    if (taken[0]) return { ok: true, approval: fromRow(taken[0]) };
    return this.refusal(id, user);
  }

  async revise(id: string, user: SlackUser, input: unknown, now: Date): Promise<ApprovalOutcome> {
    const current = await this.peek(id, user, now);
    if (!current) return this.refusal(id, user);
    const step = JSON.stringify(proposedStepSchema.parse({ ...current.step, input }));
    // Conditional like decide: a press of Approve that got there first leaves the step as approved.
    const revised = await this.db.query<Row>(
      `UPDATE agent_approvals SET step = $5
       WHERE id = $1 AND team_id = $2 AND user_id = $3 AND decided_at IS NULL AND expires_at > $4
       RETURNING *`,
      [id, user.teamId, user.userId, now, step],
    );
    return revised[0] ? { ok: true, approval: fromRow(revised[0]) } : this.refusal(id, user);
  }

  private async refusal(id: string, user: SlackUser): Promise<ApprovalOutcome> {
    const owner = await this.db.query<RequesterColumns>('SELECT team_id, enterprise_id, user_id FROM agent_approvals WHERE id = $1', [id]);
    const row = owner[0];
    if (row && (row.team_id !== user.teamId || row.user_id !== user.userId)) return { ok: false, reason: 'not_yours' };
    return { ok: false, reason: 'gone' };
  }
}
