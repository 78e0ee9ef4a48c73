/**
 * The bot as a real process on PostgreSQL: killed with SIGKILL while a request waits for the user
 * to connect, a restarted bot still finishes it; SIGTERM lets work in flight finish before exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationLinkIn, BOT_TOKEN, signInWithSlack, SCALEKIT_SECRET, SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../standins/slackOidc.ts';
import { freePort } from '../helpers/freePort.ts';
import { childEnv } from '../helpers/childEnv.ts';
import { TestBrowser } from '../helpers/browser.ts';
import { freshPostgresUrl } from '../helpers/databases.ts';
import { sendSlashCommand } from '../helpers/slackRequests.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type Arrival, type RecordedCall, type SlackApiStandin } from '../standins/slackApi.ts';

const ROOT = join(import.meta.dirname, '../..');
let slack: SlackApiStandin;
let gmail: GmailStandin;
let scalekit: ScalekitEmulator;
let env: Record<string, string>;
let port: number;
const running = new Set<ChildProcess>();

function startBot(): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['src/main.ts'], { cwd: ROOT, env: { ...childEnv(), ...env }, stdio: 'ignore' });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { running.delete(child); resolve(code); }));
  return { child, exited };
}

async function healthy(): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error('the bot did not become healthy');
}

const unread = (userId: string, id: string) =>
  sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, {
    command: '/unread', text: '', userId, teamId: TEAM, channelId: 'C1', responseUrl: slack.responseUrl(id),
  });

beforeAll(async () => {
  slack = await startSlackApiStandin({ botToken: BOT_TOKEN });
  gmail = await startGmailStandin();
  scalekit = await startScalekitEmulator({ clientId: 'skc_proc', clientSecret: SCALEKIT_SECRET });
  port = await freePort();
  env = {
    SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_OIDC_AUTHORIZE_URL: slack.oidc.authorizeUrl, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn', SCALEKIT_ENV_URL: scalekit.url, SCALEKIT_CLIENT_ID: scalekit.clientId, SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
    DATABASE_URL: await freshPostgresUrl(), SLACK_API_URL: slack.url, GMAIL_API_URL: gmail.url,
  };
  gmail.addMessage({ from: 'Kim <kim@example.com>', subject: 'Survived a restart', date: new Date(), snippet: 'yes' });
}, 60_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all([slack?.close(), gmail?.close(), scalekit?.close()]);
});

describe('process lifecycle', () => {
  it('finishes a kept request after the bot was killed with SIGKILL and restarted', async () => {
    const first = startBot();
    await healthy();
    await unread('U0KILL', 'kill');
    const dm = (await slack.waitFor((a: Arrival) => a.kind === 'call' && a.method === 'chat.postMessage', 15_000)) as RecordedCall;
    const link = authorizationLinkIn(dm);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startBot();
    await healthy();
    const browser = new TestBrowser();
    const toScalekit = await signInWithSlack(slack, browser, link);
    const consent = await browser.step(toScalekit.location!);
    gmail.allowToken(scalekit.getAccount('gmail', `slack:T:${TEAM}:U0KILL`)!.accessToken!);
    expect((await browser.open(consent.location!)).status).toBe(200);
    const answer = await slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postMessage' && JSON.stringify(a.body).includes('Survived a restart'), 15_000);
    expect((answer as RecordedCall).body).toMatchObject({ channel: 'DU0KILL' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);

  it('drains the work in flight on SIGTERM before exiting', async () => {
    const bot = startBot();
    await healthy();
    scalekit.setAccount('gmail', `slack:T:${TEAM}:U0TERM`, { status: 'ACTIVE', accessToken: 'ya29.term', expiresAt: new Date(Date.now() + 3_600_000) });
    gmail.allowToken('ya29.term');
    gmail.setDelay(1_500);
    const sent = await unread('U0TERM', 'term');
    expect(sent.status).toBe(200);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // By the time the process has exited, the answer was delivered.
    expect(slack.responses.some((r) => r.path.endsWith('/term') && JSON.stringify(r.body).includes('Survived a restart'))).toBe(true);
    gmail.setDelay(0);
  }, 60_000);

  it('exits at once on a second SIGTERM while draining', async () => {
    const child = spawn(process.execPath, ['src/main.ts'], { cwd: ROOT, env: { ...childEnv(), ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'ignore'] });
    running.add(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    const bot = { child, exited: new Promise<number | null>((resolve) => child.on('exit', (code) => { running.delete(child); resolve(code); })) };
    await healthy();
    scalekit.setAccount('gmail', `slack:T:${TEAM}:U0TWICE`, { status: 'ACTIVE', accessToken: 'ya29.twice', expiresAt: new Date(Date.now() + 3_600_000) });
    gmail.allowToken('ya29.twice');
    gmail.setDelay(20_000);
    try {
      expect((await unread('U0TWICE', 'twice')).status).toBe(200);
      bot.child.kill('SIGTERM');
      // Two signals sent together may arrive as one: the second goes once the first was taken.
      await expect.poll(() => stdout, { timeout: 10_000 }).toContain('shutting down');
      bot.child.kill('SIGTERM');
      // 128 + 15: stopped by the signal, without waiting out the 20 s answer.
      expect(await bot.exited).toBe(143);
      expect(slack.responses.some((r) => r.path.endsWith('/twice'))).toBe(false);
    } finally {
      gmail.setDelay(0);
    }
  }, 60_000);

  it('exits at once on SIGTERM while its start-up checks wait for Slack', async () => {
    const dead = await freePort();
    const child = spawn(process.execPath, ['src/main.ts'], { cwd: ROOT, env: { ...childEnv(), ...env, SLACK_API_URL: `http://127.0.0.1:${dead}/api/` }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { running.delete(child); resolve(code); }));
    // The Slack check has failed once and waits to try again: still starting.
    await expect.poll(() => stdout, { timeout: 30_000 }).toContain('not ready yet, trying again');
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toContain('Stopped by SIGTERM while starting');
  }, 60_000);
});
