import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config.ts';

const minimal = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'sign',
  SCALEKIT_ENV_URL: 'https://acme.scalekit.dev/',
  SCALEKIT_CLIENT_ID: 'skc_1',
  SCALEKIT_CLIENT_SECRET: 'secret',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the settings to be refused');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.logLevel).toBe('info');
    expect(config.gmail).toEqual({ connectionName: 'gmail', apiUrl: 'https://gmail.googleapis.com' });
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.databaseUrl).toBe('./data/bot');
    expect(config.scalekit.envUrl).toBe('https://acme.scalekit.dev');
  });

  it('ignores unknown variables', () => {
    expect(() => loadConfig({ ...minimal, SOMETHING_ELSE: 'x', PATH: '/bin' })).not.toThrow();
  });

  it('names each missing setting and says what to put there', () => {
    const problems = problemsOf({});
    const text = problems.join('\n');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SCALEKIT_ENV_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']) {
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

  it('treats empty values as unset', () => {
    const config = loadConfig({ ...minimal, SLACK_APP_TOKEN: '', PUBLIC_URL: '', PORT: '8080' });
    expect(config.slack.appToken).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:8080');
  });
});
