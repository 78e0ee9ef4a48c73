/** The bot scopes "Add to Slack" asks for: manifest.yml's `oauth_config.scopes.bot` (a test keeps the two equal). */
export const BOT_SCOPES = [
  'app_mentions:read',
  'chat:write',
  'commands',
  'im:write',
  'users:read',
  'channels:read',
  'groups:read',
  'usergroups:read',
  'im:history',
  'assistant:write',
] as const;
