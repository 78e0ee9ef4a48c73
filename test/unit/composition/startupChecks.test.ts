/**
 * The start-up checks against the stand-ins over real sockets: which answers stop the bot (a
 * refused setting, named) and which are waited out (an outage), and the URLs it prints.
 */
import { WebAPIPlatformError } from '@slack/web-api';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScalekitCredentials } from '../../../src/agentAuth/scalekit/credentialCheck.ts';
import { checkSettingsWithServices, urlsToConfigure } from '../../../src/composition/startup.ts';
import { loadConfig } from '../../../src/infrastructure/config.ts';
import { createLogger } from '../../../src/infrastructure/logger.ts';
import { SettingRefusedError } from '../../../src/infrastructure/settingRefused.ts';
import { appTokenRefusal, checkBotToken } from '../../../src/slack/botTokenCheck.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../../standins/slackApi.ts';
import { LogCapture } from '../../helpers/logCapture.ts';

let slack: SlackApiStandin;
let scalekit: ScalekitEmulator;
const dispatcher = new Agent();

beforeAll(async () => {
  slack = await startSlackApiStandin({ botToken: 'xoxb-good' });
  scalekit = await startScalekitEmulator({ clientId: 'skc_check' });
});
afterAll(async () => {
  await Promise.all([slack.close(), scalekit.close(), dispatcher.close()]);
});

describe('checkBotToken', () => {
  it("returns the bot's ids from auth.test", async () => {
    expect(await checkBotToken('xoxb-good', slack.url)).toEqual({ botId: 'B0BOT', botUserId: 'U0BOT', teamId: 'T0TEAM' });
  });

  it.each(['invalid_auth', 'token_revoked', 'account_inactive', 'not_authed'])('refuses the token when Slack answers %s', async (error) => {
    slack.failNext('auth.test', 1, { error });
    const refused = await checkBotToken('xoxb-good', slack.url).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SettingRefusedError);
    expect((refused as SettingRefusedError).settings).toEqual(['SLACK_BOT_TOKEN']);
    expect((refused as Error).message).toContain(error);
    expect((refused as Error).message).toContain('OAuth & Permissions > Bot User OAuth Token');
  });

  it('throws an outage as it is, for the caller to retry', async () => {
    slack.failNext('auth.test', 1, { status: 500 });
    const failed = await checkBotToken('xoxb-good', slack.url).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(failed).not.toBeInstanceOf(SettingRefusedError);
  });

  it('names a refused app token in Socket Mode, and nothing else', () => {
    const refused = appTokenRefusal(new WebAPIPlatformError({ ok: false, error: 'invalid_auth' }));
    expect(refused?.settings).toEqual(['SLACK_APP_TOKEN']);
    expect(refused?.message).toContain('App-Level Tokens');
    expect(appTokenRefusal(new Error('fetch failed'))).toBeUndefined();
  });
});

describe('checkScalekitCredentials', () => {
  const settings = () => ({ envUrl: scalekit.url, clientId: scalekit.clientId, clientSecret: scalekit.clientSecret });

  it('passes with the right credentials, and names both settings when Scalekit refuses them', async () => {
    await checkScalekitCredentials(settings(), dispatcher);
    for (const wrong of [{ clientSecret: 'nope' }, { clientId: 'skc_other' }]) {
      const refused = await checkScalekitCredentials({ ...settings(), ...wrong }, dispatcher).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SettingRefusedError);
      expect((refused as SettingRefusedError).settings).toEqual(['SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']);
      expect((refused as Error).message).not.toContain('nope');
    }
  });

  it('throws an outage as it is', async () => {
    scalekit.setDown(true);
    try {
      const failed = await checkScalekitCredentials(settings(), dispatcher).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(Error);
      expect(failed).not.toBeInstanceOf(SettingRefusedError);
    } finally {
      scalekit.setDown(false);
    }
  });
});

describe('checkSettingsWithServices', () => {
  const scalekitConfig = (secret: string) =>
    loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-good', SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'slack-client-secret', SLACK_API_URL: slack.url,
      SCALEKIT_ENV_URL: scalekit.url, SCALEKIT_CLIENT_ID: scalekit.clientId, SCALEKIT_CLIENT_SECRET: secret,
    });

  it('waits out a Scalekit outage, saying so, then passes', async () => {
    const logs = new LogCapture();
    scalekit.setDown(true);
    setTimeout(() => scalekit.setDown(false), 300);
    const identity = await checkSettingsWithServices(scalekitConfig(scalekit.clientSecret), {
      dispatcher, logger: createLogger({ level: 'info', destination: logs.stream }), signal: new AbortController().signal, delaysMs: [100],
    });
    expect(identity?.botId).toBe('B0BOT');
    expect(logs.text).toContain('waiting for Scalekit');
  });

  it('stops waiting for Slack as soon as Scalekit refuses its credentials', async () => {
    slack.failNext('auth.test', 1000, { status: 503 });
    try {
      const refused = await checkSettingsWithServices(scalekitConfig('wrong'), {
        dispatcher, logger: createLogger({ level: 'silent' }), signal: new AbortController().signal, delaysMs: [50],
      }).catch((e: unknown) => e);
      expect((refused as SettingRefusedError).settings).toEqual(['SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']);
    } finally {
      slack.reset();
    }
  });
});

describe('urlsToConfigure', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', PUBLIC_URL: 'https://bot.example.org/', SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'slack-client-secret' };
  it('names the Slack request URL in HTTP mode and the Google redirect URI with the built-in backend', () => {
    const local = loadConfig({ ...base, SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'slack-client-secret', GOOGLE_CLIENT_ID: 'c.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'g', NODE_ENV: 'development' });
    expect(urlsToConfigure(local)).toEqual({
      slackRequestEndpoint: 'https://bot.example.org/slack/events',
      googleRedirectUri: 'https://bot.example.org/auth/callback',
      healthCheck: 'https://bot.example.org/healthz',
    });
    const socketScalekit = loadConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1', SCALEKIT_ENV_URL: 'https://a.scalekit.dev', SCALEKIT_CLIENT_ID: 'skc', SCALEKIT_CLIENT_SECRET: 'x' });
    expect(urlsToConfigure(socketScalekit)).toEqual({ healthCheck: 'https://bot.example.org/healthz' });
  });
});
