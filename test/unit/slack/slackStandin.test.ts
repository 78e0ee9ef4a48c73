/** The Slack stand-in and the signed-request helpers, checked against the real clients: WebClient and Bolt. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { ErrorCode, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildUnreadSummary } from '../../../src/slack/blocks/unreadSummary.ts';
import { sendBlockAction, sendEvent, sendSlashCommand, signSlackRequest } from '../../helpers/slackRequests.ts';
import { startSlackApiStandin, type RecordedCall, type SlackApiStandin } from '../../standins/slackApi.ts';

const token = 'xoxb-test-token';
const secret = 'test-signing-secret';
let standin: SlackApiStandin;
let client: WebClient;

beforeAll(async () => {
  standin = await startSlackApiStandin({ botToken: token });
  client = new WebClient(token, { slackApiUrl: standin.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
});
afterAll(() => standin.close());
beforeEach(() => standin.reset());

describe('Slack API stand-in with WebClient', () => {
  it('decodes blocks web-api sends as JSON inside a form body', async () => {
    const message = buildUnreadSummary({
      result: { mailbox: undefined, totalEstimate: 1, emails: [{ id: 'm1', threadId: 't1', from: 'A & B <a@b.c>', subject: 'Hi', snippet: 'x', receivedAt: new Date() }] },
      requested: 5,
    });
    const { channel } = await client.conversations.open({ users: 'U1' });
    expect(channel?.id).toBe('DU1');
    const posted = await client.chat.postMessage({ channel: 'DU1', ...message });
    expect(posted.ok).toBe(true);
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    const call = standin.calls.find((c) => c.method === 'chat.postMessage');
    expect(call?.body.blocks).toEqual(message.blocks);
    expect(call?.body.text).toBe(message.text);
  });

  it('answers auth.test, users.info (tz per user) and refuses a wrong token', async () => {
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEAM' });
    standin.setUser('U2', { tz: 'America/New_York' });
    expect((await client.users.info({ user: 'U1' })).user?.tz).toBe('Europe/Berlin');
    expect((await client.users.info({ user: 'U2' })).user?.tz).toBe('America/New_York');
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: standin.url, retryConfig: { retries: 0 } });
    await expect(wrong.auth.test()).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { error: 'invalid_auth' } });
    await expect(client.apiCall('no.such.method')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
  });

  it('fails the next calls as told, then recovers', async () => {
    standin.failNext('chat.postMessage', 1, { error: 'channel_not_found' });
    standin.failNext('chat.postMessage', 1, { status: 429, retryAfterSeconds: 1 });
    standin.failNext('chat.postMessage', 1, { status: 500 });
    const post = () => client.chat.postMessage({ channel: 'C1', text: 'hi' });
    const platform = (await post().catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(platform.data.error).toBe('channel_not_found');
    await expect(post()).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 1 });
    await expect(post()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    expect((await post()).ok).toBe(true);
  });

  it('refuses blocks over Slack\'s limits, as Slack does', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' as const }));
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
  });

  it('waitFor resolves on a later call and explains a timeout', async () => {
    const waiting = standin.waitFor((a): a is RecordedCall => a.kind === 'call' && a.method === 'chat.postEphemeral');
    await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'psst' });
    expect((await waiting).body).toMatchObject({ channel: 'C1', user: 'U1', text: 'psst' });
    await expect(standin.waitFor((a) => a.kind === 'response', 50)).rejects.toThrow(/chat\.postEphemeral/);
  });
});

describe('signed requests into a real Bolt app', () => {
  let app: App;
  let botUrl: string;
  const mentions: string[] = [];

  beforeAll(async () => {
    app = new App({ token, signingSecret: secret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: standin.url, retryConfig: { retries: 0 } } });
    app.command('/unread', async ({ command, ack, respond }) => {
      await ack();
      await respond({ text: `got ${command.text}` });
    });
    app.event('app_mention', async ({ event }) => void mentions.push(event.text));
    app.action('authorize_connection', async ({ ack }) => ack());
    const server = (await app.start(0)) as Server;
    botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(() => app.stop());

  it('signs as Slack does: v0=HMAC-SHA256(secret, "v0:ts:body"), matching Slack\'s documented example', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'X-Slack-Request-Timestamp': '1531420618',
    });
  });

  it('delivers a slash command, encoded as Slack encodes it, and Bolt answers on the response_url', async () => {
    const responseUrl = standin.responseUrl('cmd1');
    const sent = await sendSlashCommand(botUrl, secret, { command: '/unread', text: '3 from:a&b', userId: 'U1', teamId: 'T0TEAM', channelId: 'C1', responseUrl });
    expect(sent.status).toBe(200);
    const response = await standin.waitFor((a) => a.kind === 'response' && a.path.endsWith('/cmd1'));
    expect(response.body).toMatchObject({ text: 'got 3 from:a&amp;b' });
  });

  it('delivers events and button clicks; Bolt refuses broken and stale signatures', async () => {
    const event = { type: 'app_mention', user: 'U1', text: '<@U0BOT> unread', channel: 'C1', ts: '1.000001' };
    expect((await sendEvent(botUrl, secret, event, { eventId: 'Ev1', teamId: 'T0TEAM', retryNum: 1 })).status).toBe(200);
    await expect.poll(() => mentions).toContain('<@U0BOT> unread');
    expect((await sendBlockAction(botUrl, secret, { actionId: 'authorize_connection', userId: 'U1', teamId: 'T0TEAM' })).status).toBe(200);
    expect((await sendEvent(botUrl, secret, event, { eventId: 'Ev2', teamId: 'T0TEAM' }, { signature: 'broken' })).status).toBe(401);
    expect((await sendEvent(botUrl, secret, event, { eventId: 'Ev3', teamId: 'T0TEAM' }, { signature: 'stale' })).status).toBe(401);
  });
});
