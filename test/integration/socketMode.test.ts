/**
 * With SLACK_APP_TOKEN set the bot runs in Socket Mode: Slack's requests (slash commands, events,
 * button clicks) arrive over a WebSocket and are acknowledged with their envelope id, while the
 * bot's own routes are still served on PORT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/app.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { freePort } from '../helpers/freePort.ts';
import { LogCapture } from '../helpers/logCapture.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type Arrival, type RecordedCall, type SlackApiStandin } from '../standins/slackApi.ts';
import type { StoredMessage } from '../standins/gmailStandin.ts';
import { startSocketModeStandin, type SocketModeStandin } from '../standins/slackSocketMode.ts';
import { blockActionPayload, eventCallback } from '../helpers/slackRequests.ts';

const BOT_TOKEN = 'xoxb-socket-bot';
const APP_TOKEN = 'xapp-1-A0APP-socket-app-token';
let slack: SlackApiStandin;
let socket: SocketModeStandin;
let gmail: GmailStandin;
let scalekit: ScalekitEmulator;
let bot: Bot;
let port: number;
const logs = new LogCapture();
const IDENTIFIER = 'slack:T:T0TEAM:U0SOCK';
let summaryBlocks: unknown[] = [];
let overTheSocket: StoredMessage;
const ackedOnce = (envelopeId: string) => socket.acks.filter((ack) => ack.envelope_id === envelopeId).length;
const isCall = (method: string) => (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method;

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
    scalekit.setAccount('gmail', IDENTIFIER, { status: 'ACTIVE', accessToken: 'ya29.socket', expiresAt: new Date(Date.now() + 3_600_000) });
    gmail.allowToken('ya29.socket');
    overTheSocket = gmail.addMessage({ from: 'Ivan <ivan@example.com>', subject: 'Over the socket', date: new Date(), snippet: 'hi' });
    const responseUrl = slack.responseUrl('socket-1');
    const envelopeId = socket.post('slash_commands', {
      token: 'x', team_id: 'T0TEAM', team_domain: 'standin', channel_id: 'C1', channel_name: 'general',
      user_id: 'U0SOCK', user_name: 'sock', command: '/unread', text: '', api_app_id: 'A0APP',
      is_enterprise_install: 'false', response_url: responseUrl, trigger_id: '1.2.3',
    });
    // The ack waits up to INLINE_ANSWER_MS (1 s) for the answer: poll for up to Slack's 3 s, not vitest's default 1 s.
    await expect.poll(() => ackedOnce(envelopeId), { timeout: 3_000 }).toBe(1);
    const ack = socket.acks.find((a) => a.envelope_id === envelopeId)!;
    // A warm answer comes back inside the acknowledgement (INLINE_ANSWER_MS), else on the response_url.
    // Acknowledged empty (a payload of {}) when the answer was not ready by the deadline: it then comes on the response_url.
    const inline = ack.payload && Object.keys(ack.payload).length > 0 ? ack.payload : undefined;
    const answer = inline ?? (await slack.waitFor((a: Arrival) => a.kind === 'response' && responseUrl.endsWith(a.path)));
    expect(JSON.stringify(answer)).toContain('Over the socket');
    expect(logs.leaks([BOT_TOKEN, APP_TOKEN, 'ya29.socket'])).toEqual([]);
    summaryBlocks = (answer as { blocks: unknown[] }).blocks;
  });

  it('acts on an app_mention event and acknowledges its envelope', async () => {
    slack.reset();
    const envelopeId = socket.post(
      'events_api',
      eventCallback(
        { type: 'app_mention', user: 'U0SOCK', text: '<@U0BOT> show me my unread email', channel: 'C0GENERAL', ts: `${Date.now() / 1000}` },
        { eventId: 'EvSocketMention1', teamId: 'T0TEAM' },
      ),
    );
    const answer = await slack.waitFor(isCall('chat.postEphemeral'));
    expect(answer.body).toMatchObject({ channel: 'C0GENERAL', user: 'U0SOCK' });
    expect(JSON.stringify(answer.body)).toContain('Over the socket');
    await expect.poll(() => ackedOnce(envelopeId)).toBe(1);
  });

  it('acts on a Mark as read click (block_actions) and acknowledges its envelope', async () => {
    slack.reset();
    const button = (summaryBlocks as Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? [])
      .find((b) => b.action_id?.startsWith('mark_read:'));
    expect(button).toBeDefined();
    const responseUrl = slack.responseUrl('socket-click');
    const envelopeId = socket.post(
      'interactive',
      blockActionPayload({ actionId: button!.action_id!, value: button!.value!, userId: 'U0SOCK', teamId: 'T0TEAM', responseUrl, messageBlocks: summaryBlocks }),
    );
    const updated = await slack.waitFor((a: Arrival) => a.kind === 'response' && responseUrl.endsWith(a.path));
    expect(updated.body).toMatchObject({ replace_original: true });
    expect(JSON.stringify(updated.body)).toContain('Marked as read');
    expect(overTheSocket.unread).toBe(false);
    await expect.poll(() => ackedOnce(envelopeId)).toBe(1);
  });
});
