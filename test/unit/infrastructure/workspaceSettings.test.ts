/** The two ways to serve Slack: one workspace (SLACK_BOT_TOKEN), or many through "Add to Slack" (SLACK_STATE_SECRET). */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { knownSecrets, loadConfig } from '../../../src/infrastructure/config.ts';
import { minimalSettings, problemsOf } from '../../helpers/settings.ts';

const KEY = randomBytes(32).toString('base64');
const { SLACK_BOT_TOKEN: _token, ...withoutToken } = minimalSettings;
const many = { ...withoutToken, SLACK_STATE_SECRET: 'a-long-random-state-secret', TOKEN_ENCRYPTION_KEY: KEY };

describe('loadConfig: one workspace or many', () => {
  it('serves the one workspace of SLACK_BOT_TOKEN, as before', () => {
    expect(loadConfig(minimalSettings).slack.workspaces).toEqual({ kind: 'single', botToken: 'xoxb-1' });
    // A state secret beside a bot token changes nothing: the bot token wins.
    expect(loadConfig({ ...minimalSettings, SLACK_STATE_SECRET: 'a-long-random-state-secret' }).slack.workspaces.kind).toBe('single');
  });

  it('serves many workspaces with SLACK_STATE_SECRET instead, Slack\'s authorize page by default', () => {
    const config = loadConfig(many);
    expect(config.slack.botToken).toBeUndefined();
    expect(config.slack.workspaces).toMatchObject({ kind: 'many', stateSecret: 'a-long-random-state-secret', authorizeUrl: 'https://slack.com/oauth/v2/authorize' });
    expect(loadConfig({ ...many, SLACK_OAUTH_AUTHORIZE_URL: 'http://127.0.0.1:9/oauth/v2/authorize' }).slack.workspaces).toMatchObject({
      authorizeUrl: 'http://127.0.0.1:9/oauth/v2/authorize',
    });
    expect(problemsOf({ ...many, SLACK_OAUTH_AUTHORIZE_URL: 'not a url' }).join()).toContain('SLACK_OAUTH_AUTHORIZE_URL');
  });

  it('names both ways when neither a bot token nor a state secret is given', () => {
    const text = problemsOf(withoutToken).join('\n');
    expect(text).toContain('SLACK_BOT_TOKEN or SLACK_STATE_SECRET is required');
    expect(text).toContain('xoxb-');
    expect(text).toContain('Add to Slack');
  });

  it('needs TOKEN_ENCRYPTION_KEY for the bot tokens whatever holds the users\' tokens, and a long state secret', () => {
    const { TOKEN_ENCRYPTION_KEY: _key, ...noKey } = many;
    expect(problemsOf(noKey).join()).toMatch(/TOKEN_ENCRYPTION_KEY is required to serve many workspaces/);
    expect(problemsOf({ ...many, SLACK_STATE_SECRET: 'short' }).join()).toContain('SLACK_STATE_SECRET must be at least 16 characters');
    expect(problemsOf({ ...many, TOKEN_ENCRYPTION_KEY: 'not-a-key' }).join()).toContain('TOKEN_ENCRYPTION_KEY must be 32 random bytes');
  });

  it('hands the state secret and the encryption key to the log redactor', () => {
    const secrets = knownSecrets(loadConfig(many));
    expect(secrets).toContain('a-long-random-state-secret');
    expect(secrets).toContain(KEY);
  });
});
