/**
 * The bot as a real process whose stdout reader stalls, then goes away: it keeps answering, it
 * reports the log lines it dropped once the reader is back, and SIGTERM still ends it. A stop that
 * cannot finish (a request whose body never arrives) ends at the deadline, saying what it waited for.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, SCALEKIT_SECRET, SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { freePort } from '../helpers/freePort.ts';
import { childEnv } from '../helpers/childEnv.ts';
import { sendSlashCommand } from '../helpers/slackRequests.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../standins/slackApi.ts';

const ROOT = join(import.meta.dirname, '../..');
const DRAIN_SECONDS = 2;
let slack: SlackApiStandin;
let gmail: GmailStandin;
let scalekit: ScalekitEmulator;
const running = new Set<ChildProcess>();

interface RunningBot {
  child: ChildProcess;
  /** The read end of the bot's stdout: an OS pipe that nobody reads until `readStdout`. */
  stdoutReadFd: number;
  /** Commands whose log lines overflow the pipe several times over (see `shrinkPipe`). */
  floodSize: { stall: number; held: number };
  reader?: Socket;
  port: number;
  exited: Promise<number | null>;
  stderr: () => string;
}

async function startBot(drainSeconds = DRAIN_SECONDS): Promise<RunningBot> {
  const port = await freePort();
  const env = {
    ...childEnv(), SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'slack-client-secret', PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'trace', LOG_BUFFER_KB: '16',
    // The test floods the bot on purpose: the per-user budgets and the background cap are not what it is about.
    BACKGROUND_MAX_IN_FLIGHT: '10000', BACKGROUND_MAX_QUEUED: '10000', SHUTDOWN_DRAIN_SECONDS: String(drainSeconds),
    SCALEKIT_ENV_URL: scalekit.url, SCALEKIT_CLIENT_ID: scalekit.clientId, SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
    DATABASE_URL: 'memory://', SLACK_API_URL: slack.url, GMAIL_API_URL: gmail.url,
  };
  // stdout is a named pipe nobody reads until the test says so: the reader stalls.
  const fifo = join(mkdtempSync(join(tmpdir(), 'bot-stdout-')), 'stdout');
  execFileSync('mkfifo', [fifo]);
  const stdoutReadFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(fifo, constants.O_WRONLY);
  const floodSize = shrinkPipe(fifo) ? { stall: 750, held: 300 } : { stall: 2000, held: 800 };
  const child = spawn(process.execPath, ['src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', writeFd, 'pipe'] });
  closeSync(writeFd);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { running.delete(child); resolve(code); }));
  const bot: RunningBot = { child, port, exited, stdoutReadFd, floodSize, stderr: () => stderr };
  await healthy(bot);
  return bot;
}

/**
 * Shrinks the pipe from Linux's 64 KiB to its smallest, one 4 KiB page (F_SETPIPE_SZ, which Node
 * does not expose: Perl, essential on Debian, does it on the open pipe), so that a few hundred
 * commands (about 160 bytes of log each) overflow it and the bot's 16 KiB queue instead of
 * thousands: filling the pipe was most of this file's time. Without Perl the pipe stays 64 KiB
 * and the commands are as many as that needs.
 */
function shrinkPipe(fifo: string): boolean {
  const F_SETPIPE_SZ = 1031;
  const perl = `use Fcntl; sysopen(my $p, $ARGV[0], O_RDONLY | O_NONBLOCK) or die $!; fcntl($p, ${F_SETPIPE_SZ}, 4096) or die $!;`;
  return spawnSync('perl', ['-e', perl, fifo], { stdio: 'ignore' }).status === 0;
}

async function healthy(bot: RunningBot): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    if ((await health(bot)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`the bot did not become healthy: ${bot.stderr()}`);
}

const health = (bot: RunningBot) => fetch(`http://127.0.0.1:${bot.port}/healthz`).then((r) => r.status, () => 0);

/** Many commands at LOG_LEVEL=trace: far more log output than the pipe holds. */
async function commands(bot: RunningBot, count: number, tag: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, k) =>
      sendSlashCommand(`http://127.0.0.1:${bot.port}/slack/events`, SIGNING_SECRET, {
        command: '/unread', text: '', userId: `U${tag}${i + k}`, teamId: TEAM, channelId: 'C1', responseUrl: slack.responseUrl(`${tag}${i + k}`),
      }).then((r) => r.status),
    );
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}

/** Starts reading stdout again and collects what arrives. */
function readStdout(bot: RunningBot): () => string {
  let out = '';
  bot.reader = new Socket({ fd: bot.stdoutReadFd, readable: true, writable: false });
  bot.reader.on('data', (d: Buffer) => (out += d.toString()));
  return () => out;
}

async function waitUntil(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves with the exit code, or 'still running' after a generous bound. */
function exitWithin(bot: RunningBot, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([bot.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms))]);
}

beforeAll(async () => {
  slack = await startSlackApiStandin({ botToken: BOT_TOKEN });
  gmail = await startGmailStandin();
  scalekit = await startScalekitEmulator({ clientId: 'skc_logs', clientSecret: SCALEKIT_SECRET });
}, 60_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all([slack?.close(), gmail?.close(), scalekit?.close()]);
});

describe('a log reader that stalls or goes away', () => {
  it('keeps serving while the reader stalls and after it goes away, and SIGTERM still ends the process', async () => {
    const bot = await startBot();
    const { stall } = bot.floodSize;
    expect(await commands(bot, stall, 'STALL')).toEqual(Array(stall).fill(200));
    expect(await health(bot)).toBe(200);

    // The reader is back: the dropped lines are counted and reported (proof the pipe was full).
    const output = readStdout(bot);
    // New work writes new lines: the first one to get through brings the count with it.
    expect(await commands(bot, 20, 'BACK')).toEqual(Array(20).fill(200));
    await waitUntil(() => /"droppedLines":[1-9]/.test(output()), 'the count of dropped lines').catch((e: Error) => {
      throw new Error(`${e.message}; read ${output().length} bytes: ${output().slice(-600)}`);
    });

    // The reader goes away: the next writes meet EPIPE, and the bot carries on.
    bot.reader!.destroy();
    expect(await commands(bot, 200, 'GONE')).toEqual(Array(200).fill(200));
    expect(await health(bot)).toBe(200);

    bot.child.kill('SIGTERM');
    expect(await exitWithin(bot, (DRAIN_SECONDS + 15) * 1000)).toBe(0);
  }, 120_000);

  it('exits on SIGTERM that arrives while the reader stalls', async () => {
    const bot = await startBot();
    const { held } = bot.floodSize;
    expect(await commands(bot, held, 'HELD')).toEqual(Array(held).fill(200));
    expect(await health(bot)).toBe(200);
    bot.child.kill('SIGTERM');
    expect(await exitWithin(bot, (DRAIN_SECONDS + 15) * 1000)).toBe(0);
  }, 120_000);

  it('ends a stop that cannot finish at the deadline, saying what it was waiting for', async () => {
    // Nothing is in flight to drain here: the shortest drain brings the deadline (drain + 5 s) closest.
    const drainSeconds = 0.1;
    const bot = await startBot(drainSeconds);
    // A request whose body never comes keeps the HTTP server from closing.
    const socket = connect(bot.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    bot.child.kill('SIGTERM');
    const code = await exitWithin(bot, (drainSeconds + 20) * 1000);
    socket.destroy();
    expect(code).toBe(124);
    expect(bot.stderr()).toMatch(/did not stop within .* waiting for the Slack receiver to close/);
  }, 120_000);
});
