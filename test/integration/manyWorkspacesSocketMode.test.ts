/**
 * Many workspaces in Socket Mode (Slack allows it): "Add to Slack" is served on PORT beside the
 * other routes, and a command arriving over the socket from an installed workspace is answered with
 * that workspace's token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/app.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { freePort } from '../helpers/freePort.ts';
import { install, manyWorkspaces } from '../helpers/installFlow.ts';
import { LogCapture } from '../helpers/logCapture.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type Arrival, type RecordedCall, type SlackApiStandin } from '../standins/slackApi.ts';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../standins/slackOidc.ts';
import { startSocketModeStandin, type SocketModeStandin } from '../standins/slackSocketMode.ts';

const APP_TOKEN = 'xapp-1-A0APP-socket-many-app-token';
let slack: SlackApiStandin;
let socket: SocketModeStandin;
let scalekit: ScalekitEmulator;
let bot: Bot;
let botUrl: string;

beforeAll(async () => {
  socket = await startSocketModeStandin();
  slack = await startSlackApiStandin({ botToken: 'xoxb-unused', appToken: APP_TOKEN, appMethods: { 'apps.connections.open': () => ({ url: socket.url }) } });
  scalekit = await startScalekitEmulator();
  const port = await freePort();
  botUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    SLACK_CLIENT_ID,
    SLACK_CLIENT_SECRET,
    SLACK_APP_TOKEN: APP_TOKEN,
    PORT: String(port),
    PUBLIC_URL: botUrl,
    SCALEKIT_ENV_URL: scalekit.url,
    SCALEKIT_CLIENT_ID: scalekit.clientId,
    SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
    DATABASE_URL: 'memory://',
    SLACK_API_URL: slack.url,
    ...manyWorkspaces(slack),
  });
  bot = await createBot(config, { logger: createLogger({ level: 'debug', destination: new LogCapture().stream }) });
  await bot.start();
  await socket.connected();
});

afterAll(async () => {
  await bot?.stop(2_000);
  await Promise.all([socket?.close(), slack?.close(), scalekit?.close()]);
});

describe('many workspaces in Socket Mode', () => {
  it('installs through the page on PORT and answers over the socket with the workspace\'s token', async () => {
    const steps = await install(botUrl, slack, { teamId: 'T0SOCKA', teamName: 'Socket A' });
    expect(steps.done.status).toBe(200);
    const token = [...slack.install.tokens.values()].find((t) => t.teamId === 'T0SOCKA')?.token;
    socket.post('slash_commands', {
      token: 'x', team_id: 'T0SOCKA', team_domain: 'socka', channel_id: 'C1', channel_name: 'general',
      user_id: 'U0SOCKA', user_name: 'a', command: '/unread', text: '', api_app_id: 'A0APP',
      is_enterprise_install: 'false', response_url: slack.responseUrl('socket-many'), trigger_id: '1.2.3',
    });
    const dm = await slack.waitFor((a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === 'chat.postMessage' && a.body.channel === 'DU0SOCKA');
    expect(dm.token).toBe(token);
  });
});
