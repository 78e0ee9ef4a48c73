/** Settings for the config tests: the fewest that start the bot, and the problems a bad set gives. */
import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/infrastructure/config.ts';

export const minimalSettings = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'sign',
  SLACK_CLIENT_ID: '1111.2222',
  SLACK_CLIENT_SECRET: 'slack-client-secret',
  SCALEKIT_ENV_URL: 'https://acme.scalekit.dev/',
  SCALEKIT_CLIENT_ID: 'skc_1',
  SCALEKIT_CLIENT_SECRET: 'secret',
};

/** The problems loadConfig names for `env`; fails the test when it accepts them. */
export function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the settings to be refused');
}
