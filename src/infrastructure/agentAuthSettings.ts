/**
 * The agent-auth part of the settings: which backend serves the port (Scalekit, or the built-in
 * one) and what each needs. The built-in backend is the default when no Scalekit setting is given;
 * AGENT_AUTH=local|scalekit chooses explicitly. Part of config.ts, which alone is handed the env.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isBlank, optionalUrl, requiredString, urlSetting, withoutTrailingSlash } from './settingsFields.ts';

export type AgentAuthConfig =
  | { kind: 'scalekit'; envUrl: string; clientId: string; clientSecret: string }
  | {
      kind: 'local';
      google: {
        clientId: string;
        clientSecret: string;
        /** Undefined: Google's own endpoint (the connector description's default). */
        authorizationUrl: string | undefined;
        tokenUrl: string | undefined;
        revocationUrl: string | undefined;
      };
      /** 32-byte AES keys; the first encrypts new writes, all of them decrypt. */
      encryptionKeys: Uint8Array[];
      /** No key was set, and development mode generated one for this run. */
      generatedKey: boolean;
    };

const SCALEKIT_VARS = ['SCALEKIT_ENV_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET'] as const;
const GOOGLE_CREDENTIALS = "Google Cloud console > APIs & Services > Credentials, an OAuth client of type Web application";
const KEY_HINT = 'generate one with `openssl rand -base64 32`';

const scalekitSchema = z.object({
  SCALEKIT_ENV_URL: urlSetting('must be your Scalekit environment URL, e.g. https://yourorg.scalekit.dev (Dashboard > Developers > API Credentials)'),
  SCALEKIT_CLIENT_ID: requiredString('is required: your Scalekit client id (Dashboard > Developers > API Credentials)'),
  SCALEKIT_CLIENT_SECRET: requiredString('is required: your Scalekit client secret (Dashboard > Developers > API Credentials)'),
});

const localSchema = z.object({
  GOOGLE_CLIENT_ID: requiredString(`is required for the built-in agent auth: the client id of your Google OAuth client (${GOOGLE_CREDENTIALS})`).refine(
    // Every Google OAuth client id ends so; anything else is a pasted secret, project id or placeholder.
    (value) => /^[A-Za-z0-9][\w.-]*\.apps\.googleusercontent\.com$/.test(value),
    `must be the client id of your Google OAuth client, ending in .apps.googleusercontent.com (${GOOGLE_CREDENTIALS}: copy "Client ID", not the secret or the project id)`,
  ),
  GOOGLE_CLIENT_SECRET: requiredString(`is required for the built-in agent auth: the client secret of your Google OAuth client (${GOOGLE_CREDENTIALS})`),
  GOOGLE_AUTH_URL: optionalUrl("must be a URL; leave it unset for Google's https://accounts.google.com/o/oauth2/v2/auth"),
  GOOGLE_TOKEN_URL: optionalUrl("must be a URL; leave it unset for Google's https://oauth2.googleapis.com/token"),
  GOOGLE_REVOKE_URL: optionalUrl("must be a URL; leave it unset for Google's https://oauth2.googleapis.com/revoke"),
});

export function loadAgentAuthSettings(env: Record<string, string | undefined>): { settings?: AgentAuthConfig; problems: string[] } {
  const chosen = env.AGENT_AUTH?.trim().toLowerCase() || undefined;
  if (chosen !== undefined && chosen !== 'local' && chosen !== 'scalekit') {
    return { problems: ['AGENT_AUTH must be local (the built-in backend) or scalekit, or unset to choose by the settings present'] };
  }
  const kind = chosen ?? (SCALEKIT_VARS.some((name) => !isBlank(env[name])) ? 'scalekit' : 'local');
  return kind === 'scalekit' ? scalekit(env) : local(env, chosen === undefined);
}

function scalekit(env: Record<string, string | undefined>) {
  const parsed = scalekitSchema.safeParse(env);
  if (!parsed.success) return { problems: issuesOf(parsed.error) };
  const e = parsed.data;
  const settings: AgentAuthConfig = {
    kind: 'scalekit',
    envUrl: withoutTrailingSlash(e.SCALEKIT_ENV_URL),
    clientId: e.SCALEKIT_CLIENT_ID,
    clientSecret: e.SCALEKIT_CLIENT_SECRET,
  };
  return { settings, problems: [] };
}

function local(env: Record<string, string | undefined>, byDefault: boolean) {
  const parsed = localSchema.safeParse(env);
  const problems = parsed.success ? [] : issuesOf(parsed.error);
  const keys = encryptionKeys(env.TOKEN_ENCRYPTION_KEY, env.NODE_ENV?.trim() === 'development');
  problems.push(...keys.problems);
  // Nothing says which backend was meant: name the other way out too.
  if (problems.length > 0 && byDefault && isBlank(env.GOOGLE_CLIENT_ID) && isBlank(env.GOOGLE_CLIENT_SECRET)) {
    problems.push(
      `AGENT_AUTH: no SCALEKIT_* setting is given, so the built-in agent auth is used, which needs the settings above; to use Scalekit instead, set ${SCALEKIT_VARS.join(', ')}`,
    );
  }
  if (!parsed.success || problems.length > 0) return { problems };
  const e = parsed.data;
  const settings: AgentAuthConfig = {
    kind: 'local',
    google: {
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      authorizationUrl: e.GOOGLE_AUTH_URL,
      tokenUrl: e.GOOGLE_TOKEN_URL,
      revocationUrl: e.GOOGLE_REVOKE_URL,
    },
    encryptionKeys: keys.keys,
    generatedKey: keys.generated,
  };
  return { settings, problems: [] };
}

/** TOKEN_ENCRYPTION_KEY: comma-separated base64 keys of 32 bytes each, the newest first. */
export function encryptionKeys(
  value: string | undefined,
  development: boolean,
): { keys: Uint8Array[]; generated: boolean; problems: string[] } {
  const entries = (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) {
    if (development) return { keys: [randomBytes(32)], generated: true, problems: [] };
    return {
      keys: [],
      generated: false,
      problems: [
        `TOKEN_ENCRYPTION_KEY is required for the built-in agent auth: the key the stored tokens are encrypted with, 32 random bytes in base64 (${KEY_HINT}). Only with NODE_ENV=development does the bot make up a key for one run`,
      ],
    };
  }
  const problems: string[] = [];
  const keys = entries.flatMap((entry, index) => {
    const bytes = Buffer.from(entry, 'base64');
    if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(entry) && bytes.length === 32) return [new Uint8Array(bytes)];
    const which = entries.length > 1 ? `entry ${index + 1} of TOKEN_ENCRYPTION_KEY` : 'TOKEN_ENCRYPTION_KEY';
    problems.push(`${which} must be 32 random bytes in base64 (${KEY_HINT}); several keys are separated by commas, the newest first`);
    return [];
  });
  return { keys, generated: false, problems };
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || 'settings'} ${issue.message}`);
}
