/**
 * Settings: read from the environment once, here and nowhere else, validated with zod into a typed
 * object. A missing or malformed setting stops the bot with a message naming it and what to put
 * there. Unknown variables are ignored. Which agent-auth backend is used, and its settings, are
 * read by agentAuthSettings.ts.
 */
import { z } from 'zod';
import { loadAgentAuthSettings, type AgentAuthConfig } from './agentAuthSettings.ts';
import { isBlank, optionalString, urlSetting, withoutTrailingSlash } from './settingsFields.ts';

export type { AgentAuthConfig } from './agentAuthSettings.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'is required: the Bot User OAuth Token (xoxb-...) from your Slack app\'s "OAuth & Permissions" page' })
      .trim()
      .min(1, 'is required: the Bot User OAuth Token (xoxb-...) from your Slack app\'s "OAuth & Permissions" page'),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString.refine(
      (value) => value === undefined || value.startsWith('xapp-'),
      'must be an app-level token starting with xapp- (Basic Information > App-Level Tokens, scope connections:write), or unset for HTTP mode',
    ),
    PORT: z.coerce
      .number({ error: 'must be a TCP port number, e.g. 3000' })
      .int('must be a whole number, e.g. 3000')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(3000),
    PUBLIC_URL: optionalString.pipe(
      urlSetting('must be the bot\'s public base URL, e.g. https://bot.example.com').optional(),
    ),
    LOG_LEVEL: z
      .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
      .default('info'),
    GMAIL_CONNECTION_NAME: z.string().trim().min(1).default('gmail'),
    DATABASE_URL: z.string().trim().min(1).default('./data/bot'),
    SLACK_API_URL: urlSetting('must be a URL such as https://slack.com/api/').default('https://slack.com/api/'),
    GMAIL_API_URL: urlSetting('must be a URL such as https://gmail.googleapis.com').default('https://gmail.googleapis.com'),
  });

const SIGNING_SECRET_PROBLEM =
  'SLACK_SIGNING_SECRET is required in HTTP mode: the Signing Secret from your Slack app\'s "Basic Information" page (or set SLACK_APP_TOKEN for Socket Mode)';

export interface Config {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
  };
  port: number;
  publicUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  agentAuth: AgentAuthConfig;
  gmail: { connectionName: string; apiUrl: string };
  databaseUrl: string;
}

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'} ${issue.message}`);
  if (isBlank(env.SLACK_APP_TOKEN) && isBlank(env.SLACK_SIGNING_SECRET)) problems.push(SIGNING_SECRET_PROBLEM);
  const agentAuth = loadAgentAuthSettings(env);
  problems.push(...agentAuth.problems);
  if (!parsed.success || !agentAuth.settings || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: withTrailingSlash(e.SLACK_API_URL),
    },
    port: e.PORT,
    publicUrl: withoutTrailingSlash(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`),
    logLevel: e.LOG_LEVEL,
    agentAuth: agentAuth.settings,
    gmail: { connectionName: e.GMAIL_CONNECTION_NAME, apiUrl: withoutTrailingSlash(e.GMAIL_API_URL) },
    databaseUrl: e.DATABASE_URL,
  };
}

/** Every secret among the settings, for the log redactor to remove verbatim wherever it turns up. */
export function knownSecrets(config: Config): Array<string | undefined> {
  const auth = config.agentAuth;
  const backend =
    auth.kind === 'scalekit'
      ? [auth.clientSecret]
      : [auth.google.clientSecret, ...auth.encryptionKeys.map((key) => Buffer.from(key).toString('base64'))];
  return [config.slack.botToken, config.slack.signingSecret, config.slack.appToken, ...backend];
}
