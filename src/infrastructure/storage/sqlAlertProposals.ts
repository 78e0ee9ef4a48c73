/**
 * Alert proposals in SQL: deciding is one conditional UPDATE, so two presses (or instances) decide
 * once. Decided and expired ones are kept a day, then the retention purge (retention.ts) drops them.
 */
import { randomUUID } from 'node:crypto';
import { alertRequestSchema, type AlertRequest } from '../../actions/alerts/alert.ts';
import { PROPOSAL_TTL_MS, type AlertProposal, type AlertProposals, type DecideOutcome, type Decision } from '../../actions/alerts/proposals.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

interface Row extends RequesterColumns {
  id: string;
  request: string;
  created_at: Date;
  expires_at: Date;
}

function fromRow(row: Row): AlertProposal {
  return {
    id: row.id,
    proposedTo: requesterFromRow(row),
    request: alertRequestSchema.parse(JSON.parse(row.request)),
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}

export class SqlAlertProposals implements AlertProposals {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async keep(proposedTo: SlackUser, request: AlertProposal['request'], now: Date): Promise<AlertProposal> {
    const rows = await this.db.query<Row>(
      `INSERT INTO alert_proposals (id, team_id, enterprise_id, user_id, request, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [randomUUID(), ...requesterParams(proposedTo), JSON.stringify(request), now, new Date(now.getTime() + PROPOSAL_TTL_MS)],
    );
    return fromRow(rows[0] as Row);
  }

  async decide(id: string, user: SlackUser, decision: Decision, now: Date): Promise<DecideOutcome> {
    const taken = await this.db.query<Row>(
      `UPDATE alert_proposals SET decided_at = $4, decision = $5
       WHERE id = $1 AND team_id = $2 AND user_id = $3 AND decided_at IS NULL AND expires_at > $4
       RETURNING *`,
      [id, user.teamId, user.userId, now, decision],
    );
    if (taken[0]) return { ok: true, proposal: fromRow(taken[0]) };
    return this.refusal(id, user);
  }

  async peek(id: string, user: SlackUser, now: Date): Promise<AlertProposal | undefined> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM alert_proposals WHERE id = $1 AND team_id = $2 AND user_id = $3 AND decided_at IS NULL AND expires_at > $4',
      [id, user.teamId, user.userId, now],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async revise(id: string, user: SlackUser, request: AlertRequest, now: Date): Promise<DecideOutcome> {
    const revised = await this.db.query<Row>(
      `UPDATE alert_proposals SET request = $5
       WHERE id = $1 AND team_id = $2 AND user_id = $3 AND decided_at IS NULL AND expires_at > $4
       RETURNING *`,
      [id, user.teamId, user.userId, now, JSON.stringify(alertRequestSchema.parse(request))],
    );
    return revised[0] ? { ok: true, proposal: fromRow(revised[0]) } : this.refusal(id, user);
  }

  private async refusal(id: string, user: SlackUser): Promise<DecideOutcome> {
    const owner = await this.db.query<RequesterColumns>('SELECT team_id, enterprise_id, user_id FROM alert_proposals WHERE id = $1', [id]);
    const row = owner[0];
    if (row && (row.team_id !== user.teamId || row.user_id !== user.userId)) return { ok: false, reason: 'not_yours' };
    return { ok: false, reason: 'gone' };
  }
}
