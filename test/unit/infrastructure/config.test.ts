import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { knownSecrets, loadConfig } from '../../../src/infrastructure/config.ts';
import { minimalSettings as minimal, problemsOf } from '../../helpers/settings.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.logLevel).toBe('info');
    expect(config.gmail).toEqual({ connectionName: 'gmail', apiUrl: 'https://gmail.googleapis.com' });
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.slack.oidcAuthorizeUrl).toBe('https://slack.com/openid/connect/authorize');
    expect(config.slack).toMatchObject({ clientId: '1111.2222', clientSecret: 'slack-client-secret' });
    expect(config.databaseUrl).toBe('./data/bot.sqlite');
    expect(config.agentAuth).toEqual({
      kind: 'scalekit',
      envUrl: 'https://acme.scalekit.dev',
      clientId: 'skc_1',
      clientSecret: 'secret',
    });
  });

  it('ignores unknown variables', () => {
    expect(() => loadConfig({ ...minimal, SOMETHING_ELSE: 'x', PATH: '/bin' })).not.toThrow();
  });

  it('names each missing setting and says what to put there', () => {
    const problems = problemsOf({});
    const text = problems.join('\n');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SCALEKIT_ENV_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']) {
      expect(text).toContain(name);
    }
    expect(text).toContain('xoxb-');
    expect(text).toContain('Signing Secret');
  });

  it('refuses malformed values', () => {
    expect(problemsOf({ ...minimal, PORT: 'eighty' }).join()).toContain('PORT');
    expect(problemsOf({ ...minimal, PORT: '70000' }).join()).toContain('PORT');
    expect(problemsOf({ ...minimal, PUBLIC_URL: 'not a url' }).join()).toContain('PUBLIC_URL');
    expect(problemsOf({ ...minimal, LOG_LEVEL: 'loud' }).join()).toContain('LOG_LEVEL');
    expect(problemsOf({ ...minimal, SLACK_APP_TOKEN: 'xoxb-wrong' }).join()).toContain('SLACK_APP_TOKEN');
    expect(problemsOf({ ...minimal, GMAIL_API_URL: 'ftp://x' }).join()).toContain('GMAIL_API_URL');
  });

  it('needs no signing secret in Socket Mode', () => {
    const { SLACK_SIGNING_SECRET: _omitted, ...rest } = minimal;
    const config = loadConfig({ ...rest, SLACK_APP_TOKEN: 'xapp-1-abc' });
    expect(config.slack.appToken).toBe('xapp-1-abc');
  });

  it('refuses an http PUBLIC_URL beyond this machine, unless NODE_ENV=development', () => {
    const refused = problemsOf({ ...minimal, PUBLIC_URL: 'http://bot.example.com' }).join('\n');
    expect(refused).toContain('PUBLIC_URL must start with https://');
    expect(refused).toContain('NODE_ENV=development');
    for (const loopback of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'https://bot.example.com']) {
      expect(loadConfig({ ...minimal, PUBLIC_URL: loopback }).publicUrl).toBe(loopback);
    }
    expect(loadConfig({ ...minimal, PUBLIC_URL: 'http://10.0.0.5:3000', NODE_ENV: 'development' }).publicUrl).toBe('http://10.0.0.5:3000');
  });

  it('refuses an http LLM_BASE_URL beyond this machine: the API key would travel in clear', () => {
    const llm = { LLM_API_KEY: 'sk-1', LLM_MODEL: 'm' };
    expect(problemsOf({ ...minimal, ...llm, LLM_BASE_URL: 'http://llm.example.com/v1' }).join()).toContain('LLM_BASE_URL must start with https://');
    expect(problemsOf({ ...minimal, ...llm, LLM_BASE_URL: 'http://llm.example.com/v1', NODE_ENV: 'development' }).join()).toContain('LLM_BASE_URL');
    expect(loadConfig({ ...minimal, ...llm, LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }).llm?.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(loadConfig({ ...minimal, ...llm, LLM_BASE_URL: 'https://api.openai.com/v1' }).llm?.baseUrl).toBe('https://api.openai.com/v1');
  });

  it('reads the agent plan budgets (AGENT_MAX_STEPS, AGENT_MAX_SECONDS) and says what is wrong with them', () => {
    expect(loadConfig(minimal).agent).toEqual({ maxSteps: 6, maxMs: 60_000 });
    expect(loadConfig({ ...minimal, AGENT_MAX_STEPS: '3', AGENT_MAX_SECONDS: '90' }).agent).toEqual({ maxSteps: 3, maxMs: 90_000 });
    expect(problemsOf({ ...minimal, AGENT_MAX_STEPS: 'many' }).join()).toContain('AGENT_MAX_STEPS must be a whole number of steps, e.g. 6');
    expect(problemsOf({ ...minimal, AGENT_MAX_STEPS: '0' }).join()).toContain('AGENT_MAX_STEPS must be at least 1');
    expect(problemsOf({ ...minimal, AGENT_MAX_STEPS: '2.5' }).join()).toContain('AGENT_MAX_STEPS must be a whole number of steps');
    expect(problemsOf({ ...minimal, AGENT_MAX_SECONDS: '1' }).join()).toContain('AGENT_MAX_SECONDS must be at least 5');
    expect(problemsOf({ ...minimal, AGENT_MAX_SECONDS: '3600' }).join()).toContain('AGENT_MAX_SECONDS must be at most 600');
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ ...minimal, SLACK_APP_TOKEN: '', PUBLIC_URL: '', PORT: '8080' });
    expect(config.slack.appToken).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:8080');
  });
});

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const slackOnly = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'sign', SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'slack-client-secret' };
const local = { ...slackOnly, GOOGLE_CLIENT_ID: 'cid.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'gsecret', TOKEN_ENCRYPTION_KEY: keyA };

describe('loadConfig: choosing the agent-auth backend', () => {
  it('uses the built-in backend when no Scalekit setting is given', () => {
    const config = loadConfig(local);
    expect(config.agentAuth.kind).toBe('local');
  });

  it('uses Scalekit when any Scalekit setting is given, and names the missing ones', () => {
    const problems = problemsOf({ ...local, SCALEKIT_CLIENT_ID: 'skc_1' }).join('\n');
    expect(problems).toContain('SCALEKIT_ENV_URL');
    expect(problems).toContain('SCALEKIT_CLIENT_SECRET');
    expect(problems).not.toContain('GOOGLE_CLIENT_ID');
  });

  it('follows AGENT_AUTH when it is set, in either direction', () => {
    expect(loadConfig({ ...minimal, ...local, AGENT_AUTH: 'local' }).agentAuth.kind).toBe('local');
    expect(loadConfig({ ...minimal, ...local, AGENT_AUTH: 'scalekit' }).agentAuth.kind).toBe('scalekit');
    expect(loadConfig({ ...minimal, AGENT_AUTH: ' Scalekit ' }).agentAuth.kind).toBe('scalekit');
    expect(problemsOf({ ...minimal, AGENT_AUTH: 'vendor' }).join()).toMatch(/AGENT_AUTH must be local .* or scalekit/);
    // Chosen explicitly, the Scalekit settings are required even though the Google ones are there.
    expect(problemsOf({ ...local, AGENT_AUTH: 'scalekit' }).join()).toContain('SCALEKIT_ENV_URL');
  });

  it('names both ways out when nothing is set', () => {
    const text = problemsOf(slackOnly).join('\n');
    for (const name of ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEY', 'SCALEKIT_ENV_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']) {
      expect(text).toContain(name);
    }
    expect(text).toContain('openssl rand -base64 32');
    expect(text).toContain('Credentials');
  });
});

describe('loadConfig: the built-in backend', () => {
  it('refuses a Google client id that cannot be one, saying where the real one is', () => {
    for (const wrong of ['GOCSPX-secret-pasted-here', 'my-project-123456', '....apps.googleusercontent.com', 'cid.apps.googleusercontent.com.evil']) {
      const text = problemsOf({ ...local, GOOGLE_CLIENT_ID: wrong }).join('\n');
      expect(text).toContain('GOOGLE_CLIENT_ID');
      expect(text).toContain('.apps.googleusercontent.com');
      expect(text).toContain('Credentials');
    }
    expect(loadConfig({ ...local, GOOGLE_CLIENT_ID: '123456789012-abc123def456.apps.googleusercontent.com' }).agentAuth.kind).toBe('local');
  });

  it("leaves Google's endpoints to the connector description unless overridden", () => {
    const config = loadConfig(local);
    if (config.agentAuth.kind !== 'local') throw new Error('expected local');
    expect(config.agentAuth.google).toEqual({
      clientId: 'cid.apps.googleusercontent.com',
      clientSecret: 'gsecret',
      authorizationUrl: undefined,
      tokenUrl: undefined,
      revocationUrl: undefined,
    });
    const overridden = loadConfig({
      ...local,
      GOOGLE_AUTH_URL: 'http://127.0.0.1:9000/authorize',
      GOOGLE_TOKEN_URL: 'http://127.0.0.1:9000/token',
      GOOGLE_REVOKE_URL: 'http://127.0.0.1:9000/revoke',
    });
    expect(overridden.agentAuth).toMatchObject({
      google: { authorizationUrl: 'http://127.0.0.1:9000/authorize', tokenUrl: 'http://127.0.0.1:9000/token', revocationUrl: 'http://127.0.0.1:9000/revoke' },
    });
    expect(problemsOf({ ...local, GOOGLE_TOKEN_URL: 'not a url' }).join()).toContain('GOOGLE_TOKEN_URL');
  });

  it('reads one or several 32-byte base64 keys, the first one first', () => {
    const config = loadConfig({ ...local, TOKEN_ENCRYPTION_KEY: ` ${keyB} , ${keyA},` });
    if (config.agentAuth.kind !== 'local') throw new Error('expected local');
    expect(config.agentAuth.encryptionKeys.map((k) => Buffer.from(k).toString('base64'))).toEqual([keyB, keyA]);
    expect(config.agentAuth.generatedKey).toBe(false);
  });

  it('refuses a key that is not 32 bytes of base64, saying how to make one', () => {
    const short = randomBytes(16).toString('base64');
    const hex = createHash('sha256').update('x').digest('hex');
    for (const bad of [short, hex, 'correct horse battery staple', `${keyA},${short}`]) {
      const text = problemsOf({ ...local, TOKEN_ENCRYPTION_KEY: bad }).join('\n');
      expect(text).toContain('TOKEN_ENCRYPTION_KEY');
      expect(text).toContain('openssl rand -base64 32');
      expect(text).not.toContain(bad.split(',').at(-1));
    }
    expect(problemsOf({ ...local, TOKEN_ENCRYPTION_KEY: `${keyA},${short}` }).join()).toContain('entry 2');
  });

  it('refuses to start without a key, unless in development mode, where it makes one up', () => {
    const { TOKEN_ENCRYPTION_KEY: _omitted, ...withoutKey } = local;
    expect(problemsOf(withoutKey).join()).toContain('TOKEN_ENCRYPTION_KEY');
    expect(problemsOf({ ...withoutKey, NODE_ENV: 'production' }).join()).toContain('NODE_ENV=development');
    const config = loadConfig({ ...withoutKey, NODE_ENV: 'development' });
    if (config.agentAuth.kind !== 'local') throw new Error('expected local');
    expect(config.agentAuth.generatedKey).toBe(true);
    expect(config.agentAuth.encryptionKeys).toHaveLength(1);
    expect(config.agentAuth.encryptionKeys[0]?.length).toBe(32);
  });

  it('hands every secret to the log redactor', () => {
    const config = loadConfig({ ...local, TOKEN_ENCRYPTION_KEY: `${keyB},${keyA}` });
    expect(knownSecrets(config)).toEqual(expect.arrayContaining(['xoxb-1', 'sign', 'gsecret', keyA, keyB]));
    expect(knownSecrets(loadConfig(minimal))).toEqual(expect.arrayContaining(['secret', 'slack-client-secret']));
  });
});

describe('knownSecrets', () => {
  it('includes the database password of a postgres:// URL', async () => {
    const { knownSecrets } = await import('../../../src/infrastructure/config.ts');
    const config = loadConfig({ ...minimal, DATABASE_URL: 'postgres://bot:s3cret%21pw@db.internal:5432/bot' });
    expect(knownSecrets(config)).toContain('s3cret!pw');
  });
});
