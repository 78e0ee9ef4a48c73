/**
 * Alert proposals in SQL (alert_proposals): decided once, by their user, while unexpired
 * (sqlPendingDecisions.ts). Decided and expired ones are kept a day, then purged.
 */
import { alertRequestSchema, type AlertRequest } from '../../actions/alerts/alert.ts';
import { PROPOSAL_TTL_MS, type AlertProposal, type AlertProposals, type DecideOutcome, type Decision } from '../../actions/alerts/proposals.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';
import { SqlPendingDecisions, type Pending, type PendingOutcome } from './sqlPendingDecisions.ts';

export class SqlAlertProposals implements AlertProposals {
  private readonly rows: SqlPendingDecisions<AlertRequest>;

  constructor(db: Database) {
    this.rows = new SqlPendingDecisions(db, { table: 'alert_proposals', column: 'request', parse: (json) => alertRequestSchema.parse(json), ttlMs: PROPOSAL_TTL_MS });
  }

  async keep(proposedTo: SlackUser, request: AlertProposal['request'], now: Date): Promise<AlertProposal> {
    return asProposal(await this.rows.keep(proposedTo, JSON.stringify(request), now));
  }

  async decide(id: string, user: SlackUser, decision: Decision, now: Date): Promise<DecideOutcome> {
    return asOutcome(await this.rows.decide(id, user, decision, now));
  }

  async peek(id: string, user: SlackUser, now: Date): Promise<AlertProposal | undefined> {
    const found = await this.rows.peek(id, user, now);
    return found && asProposal(found);
  }

  async revise(id: string, user: SlackUser, request: AlertRequest, now: Date): Promise<DecideOutcome> {
    return asOutcome(await this.rows.revise(id, user, JSON.stringify(alertRequestSchema.parse(request)), now));
  }
}

function asProposal({ payload, ...rest }: Pending<AlertRequest>): AlertProposal {
  return { ...rest, request: payload };
}

function asOutcome(outcome: PendingOutcome<AlertRequest>): DecideOutcome {
  return outcome.ok ? { ok: true, proposal: asProposal(outcome.pending) } : outcome;
}
