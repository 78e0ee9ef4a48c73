/**
 * A kept request is carried out even when the browser's return never reaches this bot (it went to
 * another instance that died, or was lost): the sweep sees the account become ACTIVE and answers
 * in the DM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/app.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { BOT_TOKEN, SCALEKIT_SECRET, SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { freePort } from '../helpers/freePort.ts';
import { LogCapture } from '../helpers/logCapture.ts';
import { sendSlashCommand } from '../helpers/slackRequests.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type RecordedCall, type SlackApiStandin } from '../standins/slackApi.ts';

let slack: SlackApiStandin;
let gmail: GmailStandin;
let scalekit: ScalekitEmulator;
let bot: Bot;
let port: number;

beforeAll(async () => {
  slack = await startSlackApiStandin({ botToken: BOT_TOKEN });
  gmail = await startGmailStandin();
  scalekit = await startScalekitEmulator({ clientId: 'skc_sweep', clientSecret: SCALEKIT_SECRET });
  port = await freePort();
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'slack-client-secret', PORT: String(port),
    SCALEKIT_ENV_URL: scalekit.url, SCALEKIT_CLIENT_ID: scalekit.clientId, SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
    DATABASE_URL: 'memory://', SLACK_API_URL: slack.url, GMAIL_API_URL: gmail.url,
  });
  const logger = createLogger({ level: 'info', destination: new LogCapture().stream });
  bot = await createBot(config, { logger, keptRequestSweepMs: 200 });
  await bot.start();
  gmail.addMessage({ from: 'Lee <lee@example.com>', subject: 'Found by the sweep', date: new Date(), snippet: 'hello' });
});
afterAll(async () => {
  await bot?.stop(2_000);
  await Promise.all([slack?.close(), gmail?.close(), scalekit?.close()]);
});

describe('the kept-request sweep', () => {
  it('answers a kept request once the account is ACTIVE, without the return reaching the bot', async () => {
    await sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, {
      command: '/unread', text: '', userId: 'U0SWEEP', teamId: TEAM, channelId: 'C1', responseUrl: slack.responseUrl('sweep'),
    });
    await slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postMessage', 15_000);
    // The user connected; Scalekit knows, the bot was never told.
    scalekit.setAccount('gmail', `slack:T:${TEAM}:U0SWEEP`, { status: 'ACTIVE', accessToken: 'ya29.swept', expiresAt: new Date(Date.now() + 3_600_000) });
    gmail.allowToken('ya29.swept');
    const answer = (await slack.waitFor(
      (a) => a.kind === 'call' && a.method === 'chat.postMessage' && JSON.stringify(a.body).includes('Found by the sweep'),
      15_000,
    )) as RecordedCall;
    expect(answer.body).toMatchObject({ channel: 'DU0SWEEP' });
    // Carried out once: later sweeps find nothing left.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && JSON.stringify(c.body).includes('Found by the sweep'))).toHaveLength(1);
  });
});
