/**
 * Slack installations in SQL. Bot and refresh tokens are sealed with the keyring the users' tokens
 * use (TOKEN_ENCRYPTION_KEY), each bound to its installation and field, so a value copied to another
 * row does not open. The refresh lease is taken with a conditional UPDATE, as for connected accounts:
 * one instance at a time spends a rotating token's refresh token.
 */
import { installationKey, type BotInstallation, type InstallationStorePort, type WorkspaceRef } from '../../actions/installations.ts';
import type { Keyring } from '../crypto/keyring.ts';
import type { Database } from './database.ts';

interface Row {
  installation_key: string;
  team_id: string | null;
  enterprise_id: string | null;
  team_name: string | null;
  enterprise_name: string | null;
  app_id: string | null;
  bot_id: string | null;
  bot_user_id: string;
  bot_scopes: string;
  bot_token: string;
  bot_refresh_token: string | null;
  bot_token_expires_at: Date | null;
  installer_user_id: string | null;
  enterprise_url: string | null;
}

const COLUMNS =
  'installation_key, team_id, enterprise_id, team_name, enterprise_name, app_id, bot_id, bot_user_id, bot_scopes, bot_token, ' +
  'bot_refresh_token, bot_token_expires_at, installer_user_id, enterprise_url';

type Field = 'bot' | 'refresh';

export class SqlInstallations implements InstallationStorePort {
  private readonly db: Database;
  private readonly keyring: Keyring;

  constructor(db: Database, keyring: Keyring) {
    this.db = db;
    this.keyring = keyring;
  }

  async save(installation: BotInstallation, now: Date): Promise<void> {
    const key = installationKey(installation);
    const refresh = installation.botRefreshToken === undefined ? null : this.seal(key, 'refresh', installation.botRefreshToken);
    await this.db.query(
      `INSERT INTO slack_installations (${COLUMNS}, installed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
       ON CONFLICT (installation_key) DO UPDATE SET
         team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, team_name = excluded.team_name,
         enterprise_name = excluded.enterprise_name, app_id = excluded.app_id, bot_id = excluded.bot_id,
         bot_user_id = excluded.bot_user_id, bot_scopes = excluded.bot_scopes, bot_token = excluded.bot_token,
         bot_refresh_token = excluded.bot_refresh_token, bot_token_expires_at = excluded.bot_token_expires_at,
         installer_user_id = excluded.installer_user_id, enterprise_url = excluded.enterprise_url,
         refresh_owner = NULL, refresh_lease_until = NULL, updated_at = excluded.updated_at`,
      [
        key,
        installation.isEnterpriseInstall ? null : (installation.teamId ?? null),
        installation.enterpriseId ?? null,
        installation.teamName ?? null,
        installation.enterpriseName ?? null,
        installation.appId ?? null,
        installation.botId ?? null,
        installation.botUserId,
        installation.botScopes.join(','),
        this.seal(key, 'bot', installation.botToken),
        refresh,
        installation.botTokenExpiresAt ?? null,
        installation.installerUserId ?? null,
        installation.enterpriseUrl ?? null,
        now,
      ],
    );
  }

  async findFor(workspace: WorkspaceRef): Promise<BotInstallation | undefined> {
    const keys = [workspace.teamId && `T:${workspace.teamId}`, workspace.enterpriseId && `E:${workspace.enterpriseId}`].filter((k): k is string => Boolean(k));
    if (keys.length === 0) return undefined;
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM slack_installations WHERE installation_key IN (${keys.map((_, i) => `$${i + 1}`).join(', ')})`,
      keys,
    );
    // The workspace's own installation wins over its org's org-wide one.
    const row = rows.find((r) => r.installation_key.startsWith('T:')) ?? rows[0];
    return row ? this.fromRow(row) : undefined;
  }

  async find(key: string): Promise<BotInstallation | undefined> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM slack_installations WHERE installation_key = $1`, [key]);
    return rows[0] ? this.fromRow(rows[0]) : undefined;
  }

  async remove(key: string): Promise<number> {
    const rows = await this.db.query('DELETE FROM slack_installations WHERE installation_key = $1 RETURNING installation_key', [key]);
    return rows.length;
  }

  async anyInOrg(enterpriseId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT installation_key FROM slack_installations WHERE enterprise_id = $1 LIMIT 1', [enterpriseId]);
    return rows.length > 0;
  }

  async takeRefreshLease(key: string, owner: string, now: Date, until: Date): Promise<BotInstallation | undefined> {
    const rows = await this.db.query<Row>(
      `UPDATE slack_installations SET refresh_owner = $2, refresh_lease_until = $4
       WHERE installation_key = $1 AND (refresh_lease_until IS NULL OR refresh_lease_until <= $3)
       RETURNING ${COLUMNS}`,
      [key, owner, now, until],
    );
    return rows[0] ? this.fromRow(rows[0]) : undefined;
  }

  async saveRefreshed(key: string, owner: string, tokens: { botToken: string; botRefreshToken: string; botTokenExpiresAt: Date }, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE slack_installations SET bot_token = $3, bot_refresh_token = $4, bot_token_expires_at = $5,
         refresh_owner = NULL, refresh_lease_until = NULL, updated_at = $6
       WHERE installation_key = $1 AND refresh_owner = $2`,
      [key, owner, this.seal(key, 'bot', tokens.botToken), this.seal(key, 'refresh', tokens.botRefreshToken), tokens.botTokenExpiresAt, now],
    );
  }

  async releaseRefreshLease(key: string, owner: string): Promise<void> {
    await this.db.query(
      'UPDATE slack_installations SET refresh_owner = NULL, refresh_lease_until = NULL WHERE installation_key = $1 AND refresh_owner = $2',
      [key, owner],
    );
  }

  private seal(key: string, field: Field, token: string): string {
    return this.keyring.seal(token, place(key, field));
  }

  private fromRow(row: Row): BotInstallation {
    const key = row.installation_key;
    return {
      teamId: row.team_id ?? undefined,
      teamName: row.team_name ?? undefined,
      enterpriseId: row.enterprise_id ?? undefined,
      enterpriseName: row.enterprise_name ?? undefined,
      isEnterpriseInstall: key.startsWith('E:'),
      appId: row.app_id ?? undefined,
      botId: row.bot_id ?? undefined,
      botUserId: row.bot_user_id,
      botScopes: row.bot_scopes.split(',').filter(Boolean),
      botToken: this.keyring.open(row.bot_token, place(key, 'bot')),
      botRefreshToken: row.bot_refresh_token === null ? undefined : this.keyring.open(row.bot_refresh_token, place(key, 'refresh')),
      botTokenExpiresAt: row.bot_token_expires_at ?? undefined,
      installerUserId: row.installer_user_id ?? undefined,
      enterpriseUrl: row.enterprise_url ?? undefined,
    };
  }
}

function place(key: string, field: Field): string {
  return `slack-installation\u0000${key}\u0000${field}`;
}
