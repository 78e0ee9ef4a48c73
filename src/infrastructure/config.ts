/**
 * Settings: read from the environment once, here and nowhere else, validated with zod into a typed
 * object. A missing or malformed setting stops the bot with a message naming it and what to put
 * there. Unknown variables are ignored. Which agent-auth backend is used, and its settings, are
 * read by agentAuthSettings.ts.
 */
import { z } from 'zod';
import type { TokenBucketLimit } from '../actions/alerts/rateLimit.ts';
import type { BudgetClass } from '../actions/budgets.ts';
import { parseAudience, type AlertPolicy, type Audience } from '../actions/alerts/policy.ts';
import { loadAgentAuthSettings, type AgentAuthConfig } from './agentAuthSettings.ts';
import { loadWorkspaceSettings, type Workspaces } from './workspaceSettings.ts';
import { isBlank, optionalString, requiredString, urlSetting, withoutTrailingSlash } from './settingsFields.ts';

export type { AgentAuthConfig } from './agentAuthSettings.ts';
export type { Workspaces } from './workspaceSettings.ts';

const AUDIENCE_HELP = 'must be everyone, nobody, a user group id (S0123ABC) or comma-separated user ids (U01,U02)';
const audience = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .transform((value, ctx): Audience => {
      const parsed = parseAudience(value);
      if (!parsed) ctx.addIssue({ code: 'custom', message: AUDIENCE_HELP });
      return parsed ?? { kind: 'nobody' };
    });

const SLACK_CLIENT_HINT = (field: string) =>
  `is required: the ${field} from your Slack app's "Basic Information" page (connect links use it to Sign in with Slack)`;
const burst = (fallback: number) => z.coerce.number({ error: `must be a whole number, e.g. ${fallback}` }).int().min(1).default(fallback);
const refillSeconds = (fallback: number) =>
  z.coerce.number({ error: `must be a number of seconds, e.g. ${fallback}` }).positive().default(fallback);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z
  .object({
    // Required unless the bot serves many workspaces (SLACK_STATE_SECRET): checked in loadConfig.
    SLACK_BOT_TOKEN: optionalString,
    SLACK_STATE_SECRET: optionalString,
    SLACK_OAUTH_AUTHORIZE_URL: urlSetting('must be a URL such as https://slack.com/oauth/v2/authorize').default('https://slack.com/oauth/v2/authorize'),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_CLIENT_ID: requiredString(SLACK_CLIENT_HINT('Client ID')),
    SLACK_CLIENT_SECRET: requiredString(SLACK_CLIENT_HINT('Client Secret')),
    SLACK_OIDC_AUTHORIZE_URL: urlSetting('must be a URL such as https://slack.com/openid/connect/authorize').default(
      'https://slack.com/openid/connect/authorize',
    ),
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
    LOG_BUFFER_KB: z.coerce.number({ error: 'must be a whole number of kilobytes, e.g. 1024' }).int().min(16, 'must be at least 16').default(1024),
    SHUTDOWN_DRAIN_SECONDS: z.coerce.number({ error: 'must be a number of seconds, e.g. 10' }).positive().max(3600).default(10),
    GMAIL_CONNECTION_NAME: z.string().trim().min(1).default('gmail'),
    DATABASE_URL: z.string().trim().min(1).default('./data/bot.sqlite'),
    SLACK_API_URL: urlSetting('must be a URL such as https://slack.com/api/').default('https://slack.com/api/'),
    GMAIL_API_URL: urlSetting('must be a URL such as https://gmail.googleapis.com').default('https://gmail.googleapis.com'),
    // Scalekit names its Google Calendar connector `googlecalendar`; the built-in backend accepts any name.
    CALENDAR_CONNECTION_NAME: z.string().trim().min(1).default('googlecalendar'),
    TEAM_ALERT_CHANNEL: optionalString,
    ALERT_ALLOWED: audience('everyone'),
    ALERT_CHANNEL_MENTION_ALLOWED: audience('nobody'),
    ALERT_CHANNEL_CONFIGURERS: audience('nobody'),
    ALERT_RATE_BURST: z.coerce.number({ error: 'must be a whole number, e.g. 5' }).int().min(1).default(5),
    ALERT_RATE_REFILL_SECONDS: z.coerce.number({ error: 'must be a number of seconds, e.g. 60' }).positive().default(60),
    READ_RATE_BURST: burst(60),
    READ_RATE_REFILL_SECONDS: refillSeconds(1),
    LINK_RATE_BURST: burst(3),
    LINK_RATE_REFILL_SECONDS: refillSeconds(60),
    LLM_RATE_BURST: burst(10),
    LLM_RATE_REFILL_SECONDS: refillSeconds(10),
    CALENDAR_RATE_BURST: burst(10),
    CALENDAR_RATE_REFILL_SECONDS: refillSeconds(30),
    BACKGROUND_MAX_IN_FLIGHT: z.coerce.number({ error: 'must be a whole number, e.g. 32' }).int().min(1).default(32),
    BACKGROUND_MAX_QUEUED: z.coerce.number({ error: 'must be a whole number, e.g. 500' }).int().min(0).default(500),
    LLM_BASE_URL: optionalString.pipe(urlSetting('must be an OpenAI-compatible base URL, e.g. https://api.openai.com/v1').optional()),
    LLM_API_KEY: optionalString,
    LLM_MODEL: optionalString,
    AGENT_MAX_STEPS: z.coerce
      .number({ error: 'must be a whole number of steps, e.g. 6' })
      .int('must be a whole number of steps, e.g. 6')
      .min(1, 'must be at least 1 (step)')
      .max(20, 'must be at most 20 (steps per request)')
      .default(6),
    AGENT_MAX_SECONDS: z.coerce
      .number({ error: 'must be a number of seconds, e.g. 60' })
      .int('must be a whole number of seconds, e.g. 60')
      .min(5, 'must be at least 5 (seconds)')
      .max(600, 'must be at most 600 (ten minutes)')
      .default(60),
    INLINE_ANSWER_MS: z.coerce.number({ error: 'must be a number of milliseconds, e.g. 1000' }).int().min(0, 'must be 0 (never inline) to 2500').max(2500, 'must stay well inside Slack\'s 3 s: at most 2500').default(1000),
    CALENDAR_API_URL: urlSetting('must be a URL such as https://www.googleapis.com').default('https://www.googleapis.com'),
    AUDIT_RETENTION_DAYS: z.coerce
      .number({ error: 'must be a whole number of days, e.g. 90' })
      .int('must be a whole number of days, e.g. 90')
      .min(1, 'must be at least 1 (day)')
      .max(36500, 'must be at most 36500 days (a hundred years)')
      .default(90),
    DIGEST_GRACE_MINUTES: z.coerce.number({ error: 'must be a whole number of minutes, e.g. 120' }).int().min(0).max(1440, 'must be at most 1440 (a day)').default(120),
    DIGEST_RETRY_MINUTES: z.coerce.number({ error: 'must be a whole number of minutes, e.g. 60' }).int().min(1).max(720, 'must be at most 720').default(60),
    DIGEST_CONCURRENCY: z.coerce.number({ error: 'must be a whole number, e.g. 8' }).int().min(1).max(100, 'must be at most 100').default(8),
  });

const SIGNING_SECRET_PROBLEM =
  'SLACK_SIGNING_SECRET is required in HTTP mode: the Signing Secret from your Slack app\'s "Basic Information" page (or set SLACK_APP_TOKEN for Socket Mode)';

export interface Config {
  slack: {
    /** Set in the single-workspace mode only. */
    botToken: string | undefined;
    workspaces: Workspaces;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
    /** The app's OAuth client, for Sign in with Slack on connect links. */
    clientId: string;
    clientSecret: string;
    oidcAuthorizeUrl: string;
    /** INLINE_ANSWER_MS: a command answer ready this soon goes back inside the acknowledgement. */
    inlineAnswerMs: number;
  };
  port: number;
  publicUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** LOG_BUFFER_KB: log lines waiting for a slow stdout reader, at most; the oldest go first. */
  logBufferBytes: number;
  /** SHUTDOWN_DRAIN_SECONDS: how long work in flight may take to finish after SIGTERM. */
  shutdownDrainMs: number;
  agentAuth: AgentAuthConfig;
  gmail: { connectionName: string; apiUrl: string };
  calendar: { connectionName: string; apiUrl: string };
  alerts: {
    /** TEAM_ALERT_CHANNEL: the team channel (id or name) until a workspace sets one with /alert-channel. */
    defaultChannel: string | undefined;
    policy: AlertPolicy;
  };
  /** Each user's allowance per kind of request (token buckets kept in the database). */
  budgets: Record<BudgetClass, TokenBucketLimit>;
  /** Work done after Slack's ack: at most `maxInFlight` at once, `maxQueued` waiting, the rest refused. */
  background: { maxInFlight: number; maxQueued: number };
  /** Optional: a chat model that chooses the action for a mention (all three LLM_ settings, or none). */
  llm: { baseUrl: string; apiKey: string; model: string } | undefined;
  /** With a chat model: one request's plan takes at most `maxSteps` steps (AGENT_MAX_STEPS) and `maxMs` of work (AGENT_MAX_SECONDS). */
  agent: { maxSteps: number; maxMs: number };
  databaseUrl: string;
  /** AUDIT_RETENTION_DAYS: how long audit-log entries are kept (what /actions-log can show). */
  auditRetentionDays: number;
  digests: {
    /** DIGEST_GRACE_MINUTES: a digest missed while no instance ran is sent late within this, else skipped. */
    graceMs: number;
    /** DIGEST_RETRY_MINUTES: how long a digest whose mail could not be read is retried before the user is told. */
    retryWindowMs: number;
    /** DIGEST_CONCURRENCY: digests delivered at once by one instance (Slack's and Gmail's rate limits). */
    concurrency: number;
  };
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
  const llmSet = [env.LLM_BASE_URL, env.LLM_API_KEY, env.LLM_MODEL].filter((value) => !isBlank(value)).length;
  if (llmSet > 0 && llmSet < 3) problems.push('LLM_BASE_URL, LLM_API_KEY and LLM_MODEL go together: set all three to use a chat model, or none');
  problems.push(...plainHttpProblems(env));
  const agentAuth = loadAgentAuthSettings(env);
  problems.push(...agentAuth.problems);
  const workspaces = loadWorkspaceSettings(env, agentAuth.settings, parsed.data?.SLACK_OAUTH_AUTHORIZE_URL ?? '');
  problems.push(...workspaces.problems);
  if (!parsed.success || !agentAuth.settings || !workspaces.settings || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      workspaces: workspaces.settings,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: withTrailingSlash(e.SLACK_API_URL),
      clientId: e.SLACK_CLIENT_ID,
      clientSecret: e.SLACK_CLIENT_SECRET,
      oidcAuthorizeUrl: e.SLACK_OIDC_AUTHORIZE_URL,
      inlineAnswerMs: e.INLINE_ANSWER_MS,
    },
    port: e.PORT,
    publicUrl: withoutTrailingSlash(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`),
    logLevel: e.LOG_LEVEL,
    logBufferBytes: e.LOG_BUFFER_KB * 1024,
    shutdownDrainMs: Math.round(e.SHUTDOWN_DRAIN_SECONDS * 1000),
    agentAuth: agentAuth.settings,
    gmail: { connectionName: e.GMAIL_CONNECTION_NAME, apiUrl: withoutTrailingSlash(e.GMAIL_API_URL) },
    calendar: { connectionName: e.CALENDAR_CONNECTION_NAME, apiUrl: withoutTrailingSlash(e.CALENDAR_API_URL) },
    alerts: {
      defaultChannel: e.TEAM_ALERT_CHANNEL,
      policy: { raise: e.ALERT_ALLOWED, mentionChannel: e.ALERT_CHANNEL_MENTION_ALLOWED, configureChannel: e.ALERT_CHANNEL_CONFIGURERS },
    },
    budgets: {
      alert: { capacity: e.ALERT_RATE_BURST, refillEveryMs: e.ALERT_RATE_REFILL_SECONDS * 1000 },
      read_mail: { capacity: e.READ_RATE_BURST, refillEveryMs: e.READ_RATE_REFILL_SECONDS * 1000 },
      connect_link: { capacity: e.LINK_RATE_BURST, refillEveryMs: e.LINK_RATE_REFILL_SECONDS * 1000 },
      chat_model: { capacity: e.LLM_RATE_BURST, refillEveryMs: e.LLM_RATE_REFILL_SECONDS * 1000 },
      calendar_write: { capacity: e.CALENDAR_RATE_BURST, refillEveryMs: e.CALENDAR_RATE_REFILL_SECONDS * 1000 },
    },
    background: { maxInFlight: e.BACKGROUND_MAX_IN_FLIGHT, maxQueued: e.BACKGROUND_MAX_QUEUED },
    llm: e.LLM_BASE_URL && e.LLM_API_KEY && e.LLM_MODEL
      ? { baseUrl: withoutTrailingSlash(e.LLM_BASE_URL), apiKey: e.LLM_API_KEY, model: e.LLM_MODEL }
      : undefined,
    agent: { maxSteps: e.AGENT_MAX_STEPS, maxMs: e.AGENT_MAX_SECONDS * 1000 },
    databaseUrl: e.DATABASE_URL,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    digests: { graceMs: e.DIGEST_GRACE_MINUTES * 60_000, retryWindowMs: e.DIGEST_RETRY_MINUTES * 60_000, concurrency: e.DIGEST_CONCURRENCY },
  };
}

/** localhost, 127.0.0.0/8 and [::1]: traffic that never leaves the machine. */
function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function plainHttpToElsewhere(value: string | undefined): boolean {
  if (isBlank(value)) return false;
  try {
    const url = new URL(String(value).trim());
    return url.protocol === 'http:' && !isLoopback(url);
  } catch {
    return false; // the schema names a malformed URL
  }
}

/**
 * Plain http beyond this machine would carry connect links, Slack's codes and the session cookie
 * (PUBLIC_URL), or the chat model's API key (LLM_BASE_URL), in clear.
 */
function plainHttpProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (plainHttpToElsewhere(env.PUBLIC_URL) && env.NODE_ENV?.trim() !== 'development') {
    problems.push(
      'PUBLIC_URL must start with https:// (links, sign-in codes and the session cookie would travel in clear over http); ' +
        'http is accepted only for localhost, or with NODE_ENV=development',
    );
  }
  if (plainHttpToElsewhere(env.LLM_BASE_URL)) {
    problems.push('LLM_BASE_URL must start with https:// unless it is on this machine (localhost): the API key would travel in clear over http');
  }
  return problems;
}

/** Every secret among the settings, for the log redactor to remove verbatim wherever it turns up. */
export function knownSecrets(config: Config): Array<string | undefined> {
  const auth = config.agentAuth;
  const backend =
    auth.kind === 'scalekit'
      ? [auth.clientSecret]
      : [auth.google.clientSecret, ...auth.encryptionKeys.map((key) => Buffer.from(key).toString('base64'))];
  const workspaces = config.slack.workspaces;
  const installKeys = workspaces.kind === 'many' ? [workspaces.stateSecret, ...workspaces.encryptionKeys.map((key) => Buffer.from(key).toString('base64'))] : [];
  return [...installKeys, config.slack.botToken, config.slack.signingSecret, config.slack.clientSecret, config.slack.appToken, config.llm?.apiKey, databasePassword(config.databaseUrl), ...backend];
}

/** A postgres:// URL may carry a password; it is a secret like the others. */
function databasePassword(databaseUrl: string): string | undefined {
  if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) return undefined;
  try {
    const password = new URL(databaseUrl).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
