/**
 * With SLACK_APP_TOKEN set the bot runs in Socket Mode: Slack's requests arrive over a WebSocket,
 * while the bot's own routes are still served on PORT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/app.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { freePort } from '../helpers/freePort.ts';
import { LogCapture } from '../helpers/logCapture.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type Arrival, type SlackApiStandin } from '../standins/slackApi.ts';
import { startSocketModeStandin, type SocketModeStandin } from '../standins/slackSocketMode.ts';

const BOT_TOKEN = 'xoxb-socket-bot';
const APP_TOKEN = 'xapp-1-A0APP-socket-app-token';
let slack: SlackApiStandin;
let socket: SocketModeStandin;
let gmail: GmailStandin;
let scalekit: ScalekitEmulator;
let bot: Bot;
let port: number;
const logs = new LogCapture();

beforeAll(async () => {
  socket = await startSocketModeStandin();
  slack = await startSlackApiStandin({
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    appMethods: { 'apps.connections.open': () => ({ url: socket.url }) },
  });
  gmail = await startGmailStandin();
  scalekit = await startScalekitEmulator();
  port = await freePort();
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_CLIENT_ID: '1111.2222',
    SLACK_CLIENT_SECRET: 'slack-client-secret',
    SLACK_APP_TOKEN: APP_TOKEN,
    PORT: String(port),
    SCALEKIT_ENV_URL: scalekit.url,
    SCALEKIT_CLIENT_ID: scalekit.clientId,
    SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
    DATABASE_URL: 'memory://',
    SLACK_API_URL: slack.url,
    GMAIL_API_URL: gmail.url,
  });
  bot = await createBot(config, { logger: createLogger({ level: 'debug', knownSecrets: [BOT_TOKEN, APP_TOKEN], destination: logs.stream }) });
  await bot.start();
  await socket.connected();
});

afterAll(async () => {
  await bot?.stop(2_000);
  await Promise.all([socket?.close(), slack?.close(), gmail?.close(), scalekit?.close()]);
});

describe('Socket Mode', () => {
  it('serves /healthz on PORT', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('acknowledges a slash command envelope and answers in the ack or on its response_url', async () => {
    const identifier = 'slack:T:T0TEAM:U0SOCK';
    scalekit.setAccount('gmail', identifier, { status: 'ACTIVE', accessToken: 'ya29.socket', expiresAt: new Date(Date.now() + 3_600_000) });
    gmail.allowToken('ya29.socket');
    gmail.addMessage({ from: 'Ivan <ivan@example.com>', subject: 'Over the socket', date: new Date(), snippet: 'hi' });
    const responseUrl = slack.responseUrl('socket-1');
    const ack = await socket.send('slash_commands', {
      token: 'x', team_id: 'T0TEAM', team_domain: 'standin', channel_id: 'C1', channel_name: 'general',
      user_id: 'U0SOCK', user_name: 'sock', command: '/unread', text: '', api_app_id: 'A0APP',
      is_enterprise_install: 'false', response_url: responseUrl, trigger_id: '1.2.3',
    });
    // A warm answer comes back inside the acknowledgement (INLINE_ANSWER_MS), else on the response_url.
    // Acknowledged empty (a payload of {}) when the answer was not ready by the deadline: it then comes on the response_url.
    const inline = ack.payload && Object.keys(ack.payload).length > 0 ? ack.payload : undefined;
    const answer = inline ?? (await slack.waitFor((a: Arrival) => a.kind === 'response' && responseUrl.endsWith(a.path)));
    expect(JSON.stringify(answer)).toContain('Over the socket');
    expect(logs.leaks([BOT_TOKEN, APP_TOKEN, 'ya29.socket'])).toEqual([]);
  });
});
