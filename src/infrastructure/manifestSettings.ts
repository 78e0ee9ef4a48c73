/**
 * The few settings `npm run manifest` needs, read before the Slack app exists (so before there is
 * a bot token to require): where the bot is reached, and whether it runs in Socket Mode. The same
 * defaults and checks as config.ts.
 */
import { z } from 'zod';
import { optionalString, urlSetting, withoutTrailingSlash } from './settingsFields.ts';
import { ConfigError } from './config.ts';

const schema = z.object({
  PUBLIC_URL: optionalString.pipe(urlSetting('must be the bot\'s public base URL, e.g. https://bot.example.com').optional()),
  PORT: z.coerce.number({ error: 'must be a TCP port number, e.g. 3000' }).int().min(0).max(65535).default(3000),
  SLACK_APP_TOKEN: optionalString,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_STATE_SECRET: optionalString,
});

export interface ManifestSettings {
  publicUrl: string;
  socketMode: boolean;
  /** SLACK_STATE_SECRET without SLACK_BOT_TOKEN: installed through "Add to Slack" by any number of workspaces. */
  manyWorkspaces: boolean;
}

export function loadManifestSettings(env: Record<string, string | undefined>): ManifestSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  const e = parsed.data;
  return {
    publicUrl: withoutTrailingSlash(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`),
    socketMode: e.SLACK_APP_TOKEN !== undefined,
    manyWorkspaces: e.SLACK_BOT_TOKEN === undefined && e.SLACK_STATE_SECRET !== undefined,
  };
}
