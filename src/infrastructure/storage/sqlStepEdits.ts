/**
 * Edit modals in SQL: saving one is a conditional UPDATE, so a submission replayed (or arriving at
 * two instances) is saved once. Saved and expired ones are dropped by the retention purge.
 */
import { randomUUID } from 'node:crypto';
import { EDIT_TTL_MS, type CardPlace, type EditLookup, type EditTarget, type StepEdit, type StepEdits } from '../../actions/agent/edits.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';
import { requesterFromRow, requesterParams, type RequesterColumns } from './requesterColumns.ts';

interface Row extends RequesterColumns {
  id: string;
  target_kind: string;
  target_id: string;
  card_channel: string;
  card_ts: string;
  created_at: Date;
  expires_at: Date;
}

function fromRow(row: Row): StepEdit {
  return {
    id: row.id,
    owner: requesterFromRow(row),
    target: { kind: row.target_kind === 'alert' ? 'alert' : 'step', id: row.target_id },
    card: { channel: row.card_channel, ts: row.card_ts },
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}

export class SqlStepEdits implements StepEdits {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async open(owner: SlackUser, target: EditTarget, card: CardPlace, now: Date): Promise<StepEdit> {
    const rows = await this.db.query<Row>(
      `INSERT INTO agent_edits (id, team_id, enterprise_id, user_id, target_kind, target_id, card_channel, card_ts, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [randomUUID(), ...requesterParams(owner), target.kind, target.id, card.channel, card.ts, now, new Date(now.getTime() + EDIT_TTL_MS)],
    );
    return fromRow(rows[0] as Row);
  }

  async peek(id: string, user: SlackUser, now: Date): Promise<EditLookup> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM agent_edits WHERE id = $1 AND team_id = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $4',
      [id, user.teamId, user.userId, now],
    );
    return rows[0] ? { ok: true, edit: fromRow(rows[0]) } : this.refusal(id, user);
  }

  async take(id: string, user: SlackUser, now: Date): Promise<EditLookup> {
    const rows = await this.db.query<Row>(
      `UPDATE agent_edits SET used_at = $4
       WHERE id = $1 AND team_id = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $4
       RETURNING *`,
      [id, user.teamId, user.userId, now],
    );
    return rows[0] ? { ok: true, edit: fromRow(rows[0]) } : this.refusal(id, user);
  }

  private async refusal(id: string, user: SlackUser): Promise<EditLookup> {
    const owner = await this.db.query<RequesterColumns>('SELECT team_id, enterprise_id, user_id FROM agent_edits WHERE id = $1', [id]);
    const row = owner[0];
    if (row && (row.team_id !== user.teamId || row.user_id !== user.userId)) return { ok: false, reason: 'not_yours' };
    return { ok: false, reason: 'gone' };
  }
}
