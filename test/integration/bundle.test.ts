/**
 * `npm start` runs the bundle its prestart builds (scripts/build.ts), not the .ts sources the other
 * tests run: built here the same way, started with the start script's node flags, it serves a
 * warm /unread over HTTP and over Socket Mode, with the Scalekit SDK loaded on first use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBot, ROOT } from '../../scripts/build.ts';
import { BOT_TOKEN, SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { freePort } from '../helpers/freePort.ts';
import { childEnv } from '../helpers/childEnv.ts';
import { commandAnswer, sendSlashCommand } from '../helpers/slackRequests.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type Arrival, type SlackApiStandin } from '../standins/slackApi.ts';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../standins/slackOidc.ts';
import { startSocketModeStandin, type SocketModeStandin } from '../standins/slackSocketMode.ts';

const APP_TOKEN = 'xapp-1-A0APP-bundle-app-token';
const outDir = mkdtempSync(join(tmpdir(), 'bundle-test-'));
let entry: string;
let nodeFlags: string[];
let slack: SlackApiStandin;
let socket: SocketModeStandin;
let gmail: GmailStandin;
let scalekit: ScalekitEmulator;
const running = new Set<ChildProcess>();

/** The start script's node flags, without the .env file (the test gives the environment). */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return scripts.start!.split(/\s+/).filter((word) => word.startsWith('--') && !word.startsWith('--env-file'));
}

async function startBundle(env: Record<string, string>): Promise<{ port: number; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, entry], {
    cwd: ROOT,
    env: {
      ...childEnv(), PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn',
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_OIDC_AUTHORIZE_URL: slack.oidc.authorizeUrl, SLACK_API_URL: slack.url,
      SCALEKIT_ENV_URL: scalekit.url, SCALEKIT_CLIENT_ID: scalekit.clientId, SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
      GMAIL_API_URL: gmail.url, DATABASE_URL: join(mkdtempSync(join(outDir, 'data-')), 'bot.sqlite'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the bundled bot exited (${child.exitCode}):\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) return { port, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the bundled bot did not become healthy:\n${output}`);
}

function seedMailbox(userId: string, subject: string): void {
  const token = `ya29.bundle-${userId}`;
  scalekit.setAccount('gmail', `slack:T:${TEAM}:${userId}`, { status: 'ACTIVE', accessToken: token, expiresAt: new Date(Date.now() + 3_600_000) });
  gmail.allowToken(token);
  gmail.addMessage({ from: 'Kim <kim@example.com>', subject, date: new Date(), snippet: 'from the bundle' });
}

beforeAll(async () => {
  entry = await buildBot(outDir);
  nodeFlags = startFlags();
  socket = await startSocketModeStandin();
  slack = await startSlackApiStandin({ botToken: BOT_TOKEN, teamId: TEAM, appToken: APP_TOKEN, appMethods: { 'apps.connections.open': () => ({ url: socket.url }) } });
  gmail = await startGmailStandin();
  scalekit = await startScalekitEmulator();
}, 120_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all([socket?.close(), slack?.close(), gmail?.close(), scalekit?.close()]);
  rmSync(outDir, { recursive: true, force: true });
});

describe('the bundle npm start runs', () => {
  it('answers /unread over HTTP', async () => {
    const { port, output } = await startBundle({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
    seedMailbox('U0BUNDLE', 'Bundled over HTTP');
    const responseUrl = slack.responseUrl('bundle-http');
    const sent = await sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, {
      command: '/unread', text: '', userId: 'U0BUNDLE', teamId: TEAM, channelId: 'C1', responseUrl,
    });
    expect(sent.status).toBe(200);
    const answer = await commandAnswer(slack, { ...sent, responseUrl });
    expect(JSON.stringify(answer.body)).toContain('Bundled over HTTP');
    expect(output()).not.toMatch(/"level":\s*(5|6)\d/);
  }, 60_000);

  it('answers /unread over Socket Mode', async () => {
    const { output } = await startBundle({ SLACK_APP_TOKEN: APP_TOKEN });
    await socket.connected();
    seedMailbox('U0BUNDLESOCK', 'Bundled over the socket');
    const responseUrl = slack.responseUrl('bundle-socket');
    const ack = await socket.send('slash_commands', {
      token: 'x', team_id: TEAM, team_domain: 'standin', channel_id: 'C1', channel_name: 'general',
      user_id: 'U0BUNDLESOCK', user_name: 'sock', command: '/unread', text: '', api_app_id: 'A0APP',
      is_enterprise_install: 'false', response_url: responseUrl, trigger_id: '1.2.3',
    });
    // Acknowledged empty (a payload of {}) when the answer was not ready by the deadline: it then comes on the response_url.
    const inline = ack.payload && Object.keys(ack.payload).length > 0 ? ack.payload : undefined;
    const answer = inline ?? (await slack.waitFor((a: Arrival) => a.kind === 'response' && responseUrl.endsWith(a.path)));
    expect(JSON.stringify(answer)).toContain('Bundled over the socket');
    expect(output()).not.toMatch(/"level":\s*(5|6)\d/);
  }, 60_000);
});
