/**
 * The Slack-workspaces part of the settings: one workspace with its bot token (SLACK_BOT_TOKEN), or
 * any number installed through "Add to Slack" (SLACK_STATE_SECRET). Part of config.ts, which alone
 * is handed the env.
 */
import { encryptionKeys, type AgentAuthConfig } from './agentAuthSettings.ts';
import { isBlank } from './settingsFields.ts';

/**
 * One workspace, whose bot token is given (SLACK_BOT_TOKEN); or any number of them, each installed
 * through "Add to Slack" (SLACK_STATE_SECRET, with the app's client id and secret), their bot tokens
 * kept in the database, encrypted under `encryptionKeys` (TOKEN_ENCRYPTION_KEY).
 */
export type Workspaces =
  | { kind: 'single'; botToken: string }
  | { kind: 'many'; stateSecret: string; authorizeUrl: string; encryptionKeys: Uint8Array[] };

const NEITHER_MODE =
  'SLACK_BOT_TOKEN or SLACK_STATE_SECRET is required: either the Bot User OAuth Token (xoxb-...) from your Slack app\'s "OAuth & Permissions" page, ' +
  'to serve that one workspace; or, to let any workspace install the bot with "Add to Slack", leave SLACK_BOT_TOKEN unset and set SLACK_STATE_SECRET ' +
  '(a long random string, e.g. `openssl rand -hex 32`) with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and TOKEN_ENCRYPTION_KEY';

/**
 * Which of the two modes the settings choose, and what the multi-workspace mode needs besides.
 * `authorizeUrl`: SLACK_OAUTH_AUTHORIZE_URL as the schema read it.
 */
export function loadWorkspaceSettings(
  env: Record<string, string | undefined>,
  agentAuth: AgentAuthConfig | undefined,
  authorizeUrl: string,
): { settings?: Workspaces; problems: string[] } {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  if (botToken) return { settings: { kind: 'single', botToken }, problems: [] };
  const stateSecret = env.SLACK_STATE_SECRET?.trim();
  if (!stateSecret) return { problems: [NEITHER_MODE] };
  const problems: string[] = [];
  if (stateSecret.length < 16) problems.push('SLACK_STATE_SECRET must be at least 16 characters: a long random string, e.g. `openssl rand -hex 32`');
  // Bot tokens are kept in the database, so they are encrypted whatever backend holds the users' tokens.
  // With the built-in agent auth, the very same keyring (its problems are already named).
  if (agentAuth?.kind === 'local') return { settings: { kind: 'many', stateSecret, authorizeUrl, encryptionKeys: agentAuth.encryptionKeys }, problems };
  const keys = encryptionKeys(env.TOKEN_ENCRYPTION_KEY, env.NODE_ENV?.trim() === 'development');
  if (keys.keys.length === 0 && isBlank(env.TOKEN_ENCRYPTION_KEY)) {
    problems.push(
      'TOKEN_ENCRYPTION_KEY is required to serve many workspaces (SLACK_STATE_SECRET is set): each workspace\'s bot token is stored encrypted with it. ' +
        '32 random bytes in base64 (`openssl rand -base64 32`)',
    );
  } else {
    problems.push(...keys.problems);
  }
  return { settings: { kind: 'many', stateSecret, authorizeUrl, encryptionKeys: keys.keys }, problems };
}
