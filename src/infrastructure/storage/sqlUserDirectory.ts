/** Slack user → connected-account identifier, stored so the mapping never changes once made. */
import type { UserDirectory } from '../../actions/ports.ts';
import { deriveAccountIdentifier, type SlackUser } from '../../core/slackUser.ts';
import type { Database } from './database.ts';

export class SqlUserDirectory implements UserDirectory {
  private readonly db: Database;
  private readonly cache = new Map<string, string>();

  constructor(db: Database) {
    this.db = db;
  }

  async identifierFor(user: SlackUser): Promise<string> {
    const { scopeId, key } = keyOf(user);
    const cached = this.cache.get(key);
    if (cached) return cached;
    // Insert-or-keep in one statement: two instances seeing a new user at once agree on one row.
    await this.db.query(
      `INSERT INTO slack_users (scope_id, user_id, team_id, enterprise_id, identifier)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope_id, user_id) DO NOTHING`,
      [scopeId, user.userId, user.teamId, user.enterpriseId ?? null, deriveAccountIdentifier(user)],
    );
    const rows = await this.db.query<{ identifier: string }>(
      'SELECT identifier FROM slack_users WHERE scope_id = $1 AND user_id = $2',
      [scopeId, user.userId],
    );
    const identifier = rows[0]?.identifier;
    if (!identifier) throw new Error('user directory: row vanished after insert');
    this.cache.set(key, identifier);
    return identifier;
  }

  /** Drops what this instance remembers (after an uninstall deleted rows): the next visit stores the row again. */
  clearCache(): void {
    this.cache.clear();
  }

  async forget(user: SlackUser): Promise<void> {
    const { scopeId, key } = keyOf(user);
    this.cache.delete(key);
    await this.db.query('DELETE FROM slack_users WHERE scope_id = $1 AND user_id = $2', [scopeId, user.userId]);
  }
}

function keyOf(user: SlackUser): { scopeId: string; key: string } {
  const scopeId = user.enterpriseId || user.teamId;
  return { scopeId, key: `${scopeId}:${user.userId}` };
}
