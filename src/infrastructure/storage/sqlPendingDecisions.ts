/**
 * Something proposed to one Slack user that waits for their decision (an agent step to approve, a
 * team alert to post), in SQL. Deciding and revising are each one conditional UPDATE, so two
 * presses (or instances) decide once and an edit never lands on a decided one. Old rows are dropped
 * by the retention purge (retention.ts). The payload is JSON in one column.
 */
import { randomUUID } from 'node:crypto';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

export interface Pending<T> {
  id: string;
  proposedTo: SlackUser;
  payload: T;
  createdAt: Date;
  expiresAt: Date;
}

export type PendingOutcome<T> = { ok: true; pending: Pending<T> } | { ok: false; reason: 'not_yours' | 'gone' };

interface Row extends RequesterColumns {
  id: string;
  created_at: Date;
  expires_at: Date;
  [column: string]: unknown;
}

/** Still `user`'s to decide: theirs, undecided, unexpired ($1 id, $2 team, $3 user, $4 now). */
const OPEN = 'id = $1 AND team_id = $2 AND user_id = $3 AND decided_at IS NULL AND expires_at > $4';

export class SqlPendingDecisions<T> {
  private readonly db: Database;
  private readonly table: 'agent_approvals' | 'alert_proposals';
  private readonly column: 'step' | 'request';
  private readonly parse: (json: unknown) => T;
  private readonly ttlMs: number;

  constructor(
    db: Database,
    shape: { table: 'agent_approvals' | 'alert_proposals'; column: 'step' | 'request'; parse: (json: unknown) => T; ttlMs: number },
  ) {
    this.db = db;
    this.table = shape.table;
    this.column = shape.column;
    this.parse = shape.parse;
    this.ttlMs = shape.ttlMs;
  }

  async keep(proposedTo: SlackUser, payloadJson: string, now: Date): Promise<Pending<T>> {
    const rows = await this.db.query<Row>(
      `INSERT INTO ${this.table} (id, team_id, enterprise_id, user_id, ${this.column}, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [randomUUID(), ...requesterParams(proposedTo), payloadJson, now, new Date(now.getTime() + this.ttlMs)],
    );
    return this.fromRow(rows[0] as Row);
  }

  async peek(id: string, user: SlackUser, now: Date): Promise<Pending<T> | undefined> {
    const rows = await this.db.query<Row>(`SELECT * FROM ${this.table} WHERE ${OPEN}`, [id, user.teamId, user.userId, now]);
    return rows[0] ? this.fromRow(rows[0]) : undefined;
  }

  async decide(id: string, user: SlackUser, decision: string, now: Date): Promise<PendingOutcome<T>> {
    const taken = await this.db.query<Row>(
      `UPDATE ${this.table} SET decided_at = $4, decision = $5 WHERE ${OPEN} RETURNING *`,
      [id, user.teamId, user.userId, now, decision],
    );
    return taken[0] ? { ok: true, pending: this.fromRow(taken[0]) } : this.refusal(id, user);
  }

  async revise(id: string, user: SlackUser, payloadJson: string, now: Date): Promise<PendingOutcome<T>> {
    const revised = await this.db.query<Row>(
      `UPDATE ${this.table} SET ${this.column} = $5 WHERE ${OPEN} RETURNING *`,
      [id, user.teamId, user.userId, now, payloadJson],
    );
    return revised[0] ? { ok: true, pending: this.fromRow(revised[0]) } : this.refusal(id, user);
  }

  /** Why nothing was taken: someone else's, or gone (decided, expired or never there). */
  async refusal(id: string, user: SlackUser): Promise<{ ok: false; reason: 'not_yours' | 'gone' }> {
    const owner = await this.db.query<RequesterColumns>(`SELECT team_id, enterprise_id, user_id FROM ${this.table} WHERE id = $1`, [id]);
    const row = owner[0];
    if (row && (row.team_id !== user.teamId || row.user_id !== user.userId)) return { ok: false, reason: 'not_yours' };
    return { ok: false, reason: 'gone' };
  }

  private fromRow(row: Row): Pending<T> {
    return {
      id: row.id,
      proposedTo: requesterFromRow(row),
      payload: this.parse(JSON.parse(String(row[this.column]))),
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    };
  }
}
