/**
 * Agent conversation state in SQL: one row per (channel, thread), replaced by each turn, expiring;
 * expired rows are dropped by the retention purge (retention.ts).
 */
import { THREAD_STATE_TTL_MS, threadStateSchema, type ThreadKey, type ThreadState, type ThreadStates } from '../../actions/agent/threadState.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';
import { requesterParams, type RequesterColumns } from './requesterColumns.ts';

interface Row extends RequesterColumns {
  state: string;
}

export class SqlThreadStates implements ThreadStates {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async get(key: ThreadKey, owner: SlackUser, now: Date): Promise<ThreadState | undefined> {
    const rows = await this.db.query<Row>(
      'SELECT team_id, enterprise_id, user_id, state FROM agent_threads WHERE channel_id = $1 AND thread_ts = $2 AND expires_at > $3',
      [key.channel, key.threadTs, now],
    );
    const row = rows[0];
    if (!row || row.team_id !== owner.teamId || row.user_id !== owner.userId) return undefined;
    const parsed = threadStateSchema.safeParse(JSON.parse(row.state));
    return parsed.success ? parsed.data : undefined;
  }

  async put(key: ThreadKey, owner: SlackUser, state: ThreadState, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO agent_threads (channel_id, thread_ts, team_id, enterprise_id, user_id, state, updated_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (channel_id, thread_ts) DO UPDATE SET
         team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, user_id = excluded.user_id,
         state = excluded.state, updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
      [key.channel, key.threadTs, ...requesterParams(owner), JSON.stringify(threadStateSchema.parse(state)), now, new Date(now.getTime() + THREAD_STATE_TTL_MS)],
    );
  }

  async requestStop(key: ThreadKey, owner: SlackUser, now: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO agent_threads (channel_id, thread_ts, team_id, enterprise_id, user_id, state, updated_at, expires_at, stop_requested_at)
       VALUES ($1, $2, $3, $4, $5, '{}', $6, $7, $6)
       ON CONFLICT (channel_id, thread_ts) DO UPDATE SET stop_requested_at = excluded.stop_requested_at`,
      [key.channel, key.threadTs, ...requesterParams(owner), now, new Date(now.getTime() + THREAD_STATE_TTL_MS)],
    );
  }

  async stoppedSince(key: ThreadKey, since: Date): Promise<boolean> {
    const rows = await this.db.query<{ stopped: number }>(
      'SELECT 1 AS stopped FROM agent_threads WHERE channel_id = $1 AND thread_ts = $2 AND stop_requested_at >= $3',
      [key.channel, key.threadTs, since],
    );
    return rows.length > 0;
  }
}
