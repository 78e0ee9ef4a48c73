/**
 * Schema migrations, applied in order at start-up. Never edit one that has shipped: add another.
 *
 * A new migration goes at the end of MIGRATIONS with the next id. Its `sql` runs on both
 * databases; `sqlite` is given only where SQLite must say it otherwise (`INTEGER PRIMARY KEY
 * AUTOINCREMENT` for `bigserial`, `strftime(...)` for `DEFAULT now()`). Both keep PostgreSQL's
 * declared types `timestamptz`, `boolean` and `jsonb`, which tell the SQLite adapter to give values
 * back as Date, boolean and parsed JSON (see sqliteDatabase.ts).
 * `test/unit/storage/migrations.test.ts` checks that both give the same tables and columns.
 */
import type { Database } from './database.ts';

interface Migration {
  id: number;
  name: string;
  /** The change, for both databases unless `sqlite` is given. */
  sql: string;
  /** SQLite's text, only where it must differ from `sql`. */
  sqlite?: string;
}

const CONNECTED_ACCOUNTS_AND_FLOWS = `
      CREATE TABLE connected_accounts (
        connection text NOT NULL,
        identifier text NOT NULL,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'PENDING_AUTH', 'EXPIRED', 'DISCONNECTED')),
        access_token text,
        refresh_token text,
        token_expires_at timestamptz,
        granted_scopes text NOT NULL DEFAULT '',
        refresh_owner text,
        refresh_lease_until timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (connection, identifier)
      );

      CREATE TABLE oauth_flows (
        state_hash text PRIMARY KEY,
        connection text NOT NULL,
        identifier text NOT NULL,
        code_verifier text NOT NULL,
        redirect_uri text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX oauth_flows_expiry ON oauth_flows (expires_at);
    `;

const RATE_BUCKETS = `
      CREATE TABLE rate_buckets (
        key text PRIMARY KEY,
        tokens double precision NOT NULL,
        at timestamptz NOT NULL
      );
      CREATE INDEX rate_buckets_at ON rate_buckets (at);
    `;

const RETENTION_INDEXES = `
      CREATE INDEX processed_events_expiry ON processed_events (expires_at);
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX kept_requests_finished ON kept_requests (finished_at);
      `;

// Scheduled digests (issue 16): slot_at is the scheduled time being delivered, due_at when to try it
// (later after a failure), claimed_until the lease of the instance delivering it.
const DIGEST_SCHEDULES = `
      CREATE TABLE digest_schedules (
        identifier text PRIMARY KEY,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        cron text NOT NULL,
        count integer NOT NULL,
        search text,
        time_zone text NOT NULL,
        paused boolean NOT NULL,
        slot_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        first_failed_at timestamptz,
        reconnect_prompted boolean NOT NULL,
        claimed_until timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX digest_schedules_due ON digest_schedules (due_at) WHERE paused = false
    `;

const AGENT_THREADS = `
      CREATE TABLE agent_threads (
        channel_id text NOT NULL,
        thread_ts text NOT NULL,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        state text NOT NULL,
        updated_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        stop_requested_at timestamptz,
        PRIMARY KEY (channel_id, thread_ts)
      );
      CREATE INDEX agent_threads_expires ON agent_threads (expires_at);

      CREATE TABLE agent_approvals (
        id text PRIMARY KEY,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        step text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        decided_at timestamptz,
        decision text
      );
      CREATE INDEX agent_approvals_expires ON agent_approvals (expires_at);
    `;

const KEPT_REQUEST_THREADS = `
      ALTER TABLE kept_requests ADD COLUMN reply_channel text;
      ALTER TABLE kept_requests ADD COLUMN reply_thread_ts text
    `;

const SLACK_INSTALLATIONS = `
      CREATE TABLE slack_installations (
        installation_key text PRIMARY KEY,
        team_id text,
        enterprise_id text,
        team_name text,
        enterprise_name text,
        app_id text,
        bot_id text,
        bot_user_id text NOT NULL,
        bot_scopes text NOT NULL DEFAULT '',
        bot_token text NOT NULL,
        bot_refresh_token text,
        bot_token_expires_at timestamptz,
        installer_user_id text,
        enterprise_url text,
        refresh_owner text,
        refresh_lease_until timestamptz,
        installed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX slack_installations_enterprise ON slack_installations (enterprise_id);
      CREATE TABLE slack_install_states (
        state_hash text PRIMARY KEY,
        install_options text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX slack_install_states_expires ON slack_install_states (expires_at)
    `;

// Uninstalls (issue 17): one row per uninstalled workspace or org until its removal is finished,
// holding the accounts still to disconnect; audit entries of a removed workspace stay for their
// retention but are hidden from every read.
const WORKSPACE_REMOVALS = `
      CREATE TABLE workspace_removals (
        id text PRIMARY KEY,
        team_id text,
        enterprise_id text,
        org_wide boolean NOT NULL,
        requested_at timestamptz NOT NULL,
        identifiers jsonb NOT NULL,
        planned_at timestamptz,
        erased_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        done_at timestamptz
      );
      CREATE INDEX workspace_removals_due ON workspace_removals (next_attempt_at) WHERE done_at IS NULL;
      ALTER TABLE audit_log ADD COLUMN workspace_removed_at timestamptz
    `;


const AGENT_EDITS_AND_VIEWED_CHANNELS = `
      CREATE TABLE agent_edits (
        id text PRIMARY KEY,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        target_kind text NOT NULL,
        target_id text NOT NULL,
        card_channel text NOT NULL,
        card_ts text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX agent_edits_expires ON agent_edits (expires_at);

      CREATE TABLE agent_viewed_channels (
        team_id text NOT NULL,
        user_id text NOT NULL,
        channel_id text,
        updated_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (team_id, user_id)
      );
      CREATE INDEX agent_viewed_channels_expires ON agent_viewed_channels (expires_at);
    `;

// What SQLite must say differently: an expression default in parentheses, an autoincrement key.
const SQLITE_NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
const SQLITE_SERIAL_ID = 'INTEGER PRIMARY KEY AUTOINCREMENT';

const slackUsersAndRequests = (nowDefault: string) => `
      CREATE TABLE slack_users (
        scope_id text NOT NULL,
        user_id text NOT NULL,
        team_id text NOT NULL,
        enterprise_id text,
        identifier text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT ${nowDefault},
        PRIMARY KEY (scope_id, user_id)
      );

      CREATE TABLE auth_links (
        token_hash text PRIMARY KEY,
        identifier text NOT NULL,
        connection text NOT NULL,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );

      CREATE TABLE auth_sessions (
        session_hash text PRIMARY KEY,
        state_hash text NOT NULL,
        identifier text NOT NULL,
        connection text NOT NULL,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        completed_at timestamptz
      );

      CREATE TABLE kept_requests (
        id text PRIMARY KEY,
        identifier text NOT NULL,
        connection text NOT NULL,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        action text NOT NULL,
        input jsonb NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        finished_at timestamptz
      );
      CREATE INDEX kept_requests_waiting ON kept_requests (identifier, connection) WHERE status = 'waiting';

      CREATE TABLE processed_events (
        key text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );
    `;

const alertsAndAuditLog = (serialId: string) => `
      CREATE TABLE alert_outbox (
        id text PRIMARY KEY,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        channel_id text NOT NULL,
        severity text NOT NULL,
        text text NOT NULL,
        mention_channel boolean NOT NULL,
        created_at timestamptz NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        permalink text,
        failure text
      );
      CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending';

      CREATE TABLE alert_channels (
        team_id text PRIMARY KEY,
        channel_id text NOT NULL,
        set_by text NOT NULL,
        updated_at timestamptz NOT NULL
      );

      CREATE TABLE audit_log (
        id ${serialId},
        identifier text NOT NULL,
        slack_user_id text NOT NULL,
        team_id text NOT NULL,
        action text NOT NULL,
        connection text,
        at timestamptz NOT NULL,
        outcome text NOT NULL,
        error_code text
      );
      CREATE INDEX audit_log_recent ON audit_log (identifier, at DESC);
    `;

const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'slack users, authorization links and sessions, kept requests, processed events',
    sql: slackUsersAndRequests('now()'),
    sqlite: slackUsersAndRequests(SQLITE_NOW),
  },
  {
    id: 2,
    name: 'connected accounts and OAuth flows of the built-in agent-auth backend',
    // Tokens and verifiers are stored sealed (AES-256-GCM, key id inside each value); states only
    // as hashes. The lease columns let one instance at a time refresh an account's token.
    sql: CONNECTED_ACCOUNTS_AND_FLOWS,
  },
  {
    id: 3,
    name: 'kept requests are leased while they run, so another instance can take over from a dead one',
    sql: `ALTER TABLE kept_requests ADD COLUMN claimed_until timestamptz`,
  },
  {
    id: 4,
    name: 'team alert outbox, per-workspace alert channels, and the audit log',
    sql: alertsAndAuditLog('bigserial PRIMARY KEY'),
    sqlite: alertsAndAuditLog(SQLITE_SERIAL_ID),
  },
  {
    id: 5,
    name: 'alert rate-limit buckets shared by every instance',
    sql: RATE_BUCKETS,
  },
  {
    id: 6,
    name: 'alerts a chat model proposed, waiting for their sender to press Post or Cancel',
    sql: `
      CREATE TABLE alert_proposals (
        id text PRIMARY KEY,
        team_id text NOT NULL,
        enterprise_id text,
        user_id text NOT NULL,
        request text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        decided_at timestamptz,
        decision text
      );
      CREATE INDEX alert_proposals_expires ON alert_proposals (expires_at);
    `,
  },
  {
    id: 7,
    name: 'a replaced grant kept, sealed, until the provider confirms its revocation',
    sql: `
      ALTER TABLE connected_accounts ADD COLUMN revoke_pending text
    `,
  },
  {
    id: 8,
    name: 'indexes the retention purge finds old rows by, in the tables that grow with use',
    sql: RETENTION_INDEXES,
  },
  {
    id: 9,
    name: 'scheduled digests, one per user, each slot claimed by one instance',
    sql: DIGEST_SCHEDULES,
  },
  {
    id: 10,
    name: 'agent conversations: what each Messages tab thread last showed, and the steps waiting for approval',
    sql: AGENT_THREADS,
  },
  {
    id: 11,
    name: 'a kept request remembers the conversation thread its answer belongs in',
    sql: KEPT_REQUEST_THREADS,
  },
  {
    id: 12,
    name: 'Slack installations of the multi-workspace mode (bot tokens sealed) and the single-use states of the install flow',
    // installation_key: `T:<team>` for a workspace, `E:<enterprise>` for an org-wide install. The lease
    // columns let one instance at a time refresh a rotating bot token.
    sql: SLACK_INSTALLATIONS,
  },
  {
    id: 13,
    name: 'uninstalled workspaces whose removal is under way; audit entries of removed workspaces hidden',
    sql: WORKSPACE_REMOVALS,
  },
  {
    id: 14,
    name: 'agent conversations: the Edit modals opened on cards, and the channel each user views',
    sql: AGENT_EDITS_AND_VIEWED_CHANNELS,
  },
];

/**
 * Ours rather than umzug: these lines are the part umzug leaves to its user anyway (a storage table
 * for two dialects, and one lock across instances held in the same transaction as the DDL).
 *
 * Applies what is missing, in one transaction that holds the dialect's migration lock: instances
 * starting together wait for each other, and the later ones find nothing left to do.
 */
export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(async (tx) => {
    const lock = db.dialect.migrationLock;
    if (lock) await tx.query(lock.sql, lock.params);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL
    )`);
    const applied = new Set((await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((row) => row.id));
    const ran: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.id)) continue;
      const sql = db.dialect.name === 'sqlite' ? (migration.sqlite ?? migration.sql) : migration.sql;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [migration.id, migration.name, new Date()]);
      ran.push(migration.id);
    }
    return ran;
  });
}

/** Migrations hold plain DDL (no functions or quoted semicolons), so splitting on `;` is safe. */
function splitStatements(sql: string): string[] {
  return sql
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
