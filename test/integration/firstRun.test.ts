/**
 * A first run as a new user makes it, through the real process in a directory of its own (so that
 * `./.env` is that directory's): `npm start` reads `.env` (the environment wins over it); a Slack
 * token or Scalekit credentials the service refuses stop the bot with exit 78 and the setting
 * named; an unreachable Slack is waited for while /readyz says not ready; the URLs to configure
 * are logged; `npm run manifest` prints the manifest for PUBLIC_URL.
 */
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../standins/slackOidc.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildBot } from '../../scripts/build.ts';
import { freePort } from '../helpers/freePort.ts';
import { childEnv } from '../helpers/childEnv.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../standins/slackApi.ts';

const ROOT = join(import.meta.dirname, '../..');
const BOT_TOKEN = 'xoxb-first-run';
const USER_TOKEN_WITHOUT_PREFIX = 'xoxb-actually-a-user';
const LOCAL_BACKEND = {
  GOOGLE_CLIENT_ID: '123456789012-firstrun.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'google-secret-first-run',
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

let slack: SlackApiStandin;
let scalekit: ScalekitEmulator;
const running = new Set<ChildProcess>();
const directories: string[] = [];
/** The bundle `npm start`'s prestart builds, built once here the same way (scripts/build.ts). */
let builtDist: string;

beforeAll(async () => {
  slack = await startSlackApiStandin({ botToken: BOT_TOKEN, userTokens: [USER_TOKEN_WITHOUT_PREFIX] });
  scalekit = await startScalekitEmulator({ clientId: 'skc_first_run' });
  const buildDir = mkdtempSync(join(tmpdir(), 'first-run-dist-'));
  directories.push(buildDir);
  // Where the bundle's own imports of dependencies look, as beside a clone's dist/.
  symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'));
  builtDist = dirname(await buildBot(join(buildDir, 'dist'), ROOT));
}, 60_000);

afterAll(async () => {
  for (const child of running) killGroup(child);
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  await Promise.all([slack?.close(), scalekit?.close()]);
});

/** A directory like a fresh clone's (its package.json, sources, manifest), holding `dotEnv` as ./.env when given. */
function projectDirectory(dotEnv?: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'first-run-'));
  directories.push(dir);
  for (const entry of ['package.json', 'src', 'scripts', 'node_modules', 'manifest.yml']) symlinkSync(join(ROOT, entry), join(dir, entry));
  if (dotEnv) writeFileSync(join(dir, '.env'), Object.entries(dotEnv).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  return dir;
}

/** `npm run <script>` in `cwd`, with only PATH and `env` in the environment. Its own process group, to be killed whole. */
function npmRun(script: string, cwd: string, env: Record<string, string> = {}, npmOptions: string[] = []) {
  const child = spawn('npm', ['run', '--silent', ...npmOptions, script], {
    cwd,
    env: { ...childEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, stdout: () => stdout, output: () => stdout + stderr };
}

/**
 * `npm start` in a directory given the bundle built once above instead of building its own: the
 * prestart's build (some seconds each time) is what the first test runs; the others are about what
 * the bot does next, and run the same start script on the same bundle.
 */
function npmStartBuilt(cwd: string, env: Record<string, string> = {}) {
  symlinkSync(builtDist, join(cwd, 'dist'));
  return npmRun('start', cwd, env, ['--ignore-scripts']);
}

/** npm and the bot under it (npm dies at once on a signal, so only the process group reaches the bot). */
async function stop(run: { child: ChildProcess; exited: Promise<number | null> }): Promise<void> {
  killGroup(run.child);
  await run.exited;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function statusOf(url: string): Promise<number> {
  return fetch(url).then((r) => r.status, () => 0);
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 40_000): Promise<void> {
  for (const end = Date.now() + deadlineMs; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    if (await condition()) return;
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function botSettings(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: 'signing-first-run',
    SLACK_CLIENT_ID,
    SLACK_CLIENT_SECRET,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SLACK_API_URL: slack.url,
    DATABASE_URL: 'memory://',
    ...LOCAL_BACKEND,
    ...overrides,
  };
}

const scalekitSettings = () => ({
  SCALEKIT_ENV_URL: scalekit.url,
  SCALEKIT_CLIENT_ID: scalekit.clientId,
  SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
});

describe('npm start on a first run', () => {
  it('reads ./.env with nothing in the environment, and logs the three URLs to configure', async () => {
    const settings = await botSettings();
    const run = npmRun('start', projectDirectory(settings));
    const base = settings.PUBLIC_URL;
    await eventually(async () => (await statusOf(`${base}/readyz`)) === 200, 'the bot to be ready');
    const log = run.output();
    expect(log).toContain(`${base}/slack/events`);
    expect(log).toContain(`${base}/auth/callback`);
    expect(log).toContain(`${base}/healthz`);
    expect(log).not.toContain('unhandled rejection');
    await stop(run);
  }, 60_000);

  it('lets the environment win over ./.env', async () => {
    // .env holds a token Slack refuses; the environment's is the right one.
    const settings = await botSettings(scalekitSettings());
    const dir = projectDirectory({ ...settings, SLACK_BOT_TOKEN: 'xoxb-stale-from-dotenv' });
    const run = npmStartBuilt(dir, { SLACK_BOT_TOKEN: BOT_TOKEN });
    await eventually(
      async () => (await statusOf(`${settings.PUBLIC_URL}/readyz`)) === 200 || run.child.exitCode !== null,
      'the bot to be ready or to stop',
    );
    expect(run.child.exitCode, run.output()).toBeNull();
    await stop(run);
  }, 60_000);

  it('stops with exit 78 and the fix named when Slack answers invalid_auth, never saying it is ready', async () => {
    const run = npmStartBuilt(projectDirectory(await botSettings({ SLACK_BOT_TOKEN: 'xoxb-revoked-or-mistyped' })));
    expect(await run.exited).toBe(78);
    const output = run.output();
    expect(output).toContain('SLACK_BOT_TOKEN');
    expect(output).toContain('invalid_auth');
    expect(output).toContain('OAuth & Permissions > Bot User OAuth Token');
    expect(output).not.toContain('bot is ready');
    expect(output).not.toContain('unhandled rejection');
    expect(output).not.toContain('xoxb-revoked-or-mistyped');
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);

  it('stops with exit 78 on a token that is not a bot token, by its prefix or by auth.test', async () => {
    for (const token of ['xoxp-1234-user-token', USER_TOKEN_WITHOUT_PREFIX]) {
      const run = npmStartBuilt(projectDirectory(await botSettings({ SLACK_BOT_TOKEN: token })));
      expect(await run.exited).toBe(78);
      expect(run.output()).toMatch(/SLACK_BOT_TOKEN is .*not a bot token/);
      expect(run.output()).toContain('Bot User OAuth Token');
      expect(run.output()).not.toContain('bot is ready');
    }
  }, 60_000);

  it('waits for an unreachable Slack with /readyz at 503, then becomes ready, without an unhandled rejection', async () => {
    const slackPort = await freePort();
    const settings = await botSettings({ SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/` });
    const run = npmStartBuilt(projectDirectory(settings));
    await eventually(() => /waiting for Slack/.test(run.output()), 'the log to say it waits for Slack');
    expect(await statusOf(`${settings.PUBLIC_URL}/readyz`)).toBe(503);
    const late = await startSlackApiStandin({ botToken: BOT_TOKEN, port: slackPort });
    try {
      await eventually(async () => (await statusOf(`${settings.PUBLIC_URL}/readyz`)) === 200, 'the bot to be ready');
      expect(late.calls.some((c) => c.method === 'auth.test')).toBe(true);
      expect(run.output()).not.toContain('unhandled rejection');
      await stop(run);
    } finally {
      await late.close();
    }
  }, 90_000);

  it('waits out a Slack that answers 503 and 429 at start', async () => {
    slack.failNext('auth.test', 1, { status: 503 });
    slack.failNext('auth.test', 1, { status: 429, retryAfterSeconds: 1 });
    const settings = await botSettings();
    const run = npmStartBuilt(projectDirectory(settings));
    await eventually(async () => (await statusOf(`${settings.PUBLIC_URL}/readyz`)) === 200, 'the bot to be ready');
    expect(run.output().match(/waiting for Slack/g)?.length).toBe(2);
    expect(run.output()).not.toContain('unhandled rejection');
    await stop(run);
  }, 90_000);

  it('stops with exit 78 naming the Scalekit settings when Scalekit refuses the client secret', async () => {
    const settings = await botSettings({ ...scalekitSettings(), SCALEKIT_CLIENT_SECRET: 'not-the-secret' });
    const run = npmStartBuilt(projectDirectory(settings));
    expect(await run.exited).toBe(78);
    const output = run.output();
    expect(output).toContain('SCALEKIT_CLIENT_ID');
    expect(output).toContain('SCALEKIT_CLIENT_SECRET');
    expect(output).toContain('API Credentials');
    expect(output).not.toContain('not-the-secret');
    expect(output).not.toContain('bot is ready');
    expect(output).not.toContain('unhandled rejection');
  }, 60_000);
});

describe('npm run manifest', () => {
  const requestUrls = (manifest: Record<string, any>) => [
    ...manifest.features.slash_commands.map((c: { url?: string }) => c.url),
    manifest.settings.event_subscriptions.request_url,
    manifest.settings.interactivity.request_url,
  ];

  it("fills in PUBLIC_URL from ./.env (the environment's first), in HTTP mode", async () => {
    const dir = projectDirectory({ PUBLIC_URL: 'https://from-dotenv.example.org/' });
    const run = npmRun('manifest', dir);
    expect(await run.exited).toBe(0);
    const manifest = parse(run.stdout());
    // Every command's URL, the events URL and the interactivity URL.
    const commands = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')).features.slash_commands.length;
    expect(commands).toBeGreaterThanOrEqual(6);
    expect(requestUrls(manifest).length).toBe(commands + 2);
    expect(new Set(requestUrls(manifest))).toEqual(new Set(['https://from-dotenv.example.org/slack/events']));
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(run.stdout()).not.toContain('bot.example.com');
    // The file's explanations are kept.
    expect(run.stdout()).toContain('# should_escape: true makes Slack send #channel');
    const original = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')).oauth_config;
    expect(manifest.oauth_config).toEqual({ ...original, redirect_urls: ['https://from-dotenv.example.org/auth/slack/callback'] });

    const overridden = npmRun('manifest', dir, { PUBLIC_URL: 'https://from-env.example.org' });
    expect(await overridden.exited).toBe(0);
    expect(new Set(requestUrls(parse(overridden.stdout())))).toEqual(new Set(['https://from-env.example.org/slack/events']));
  }, 60_000);

  it('switches Socket Mode on, without request URLs, when SLACK_APP_TOKEN is set', async () => {
    const run = npmRun('manifest', projectDirectory({ PUBLIC_URL: 'http://localhost:3000', SLACK_APP_TOKEN: 'xapp-1-A-1-abc' }));
    expect(await run.exited).toBe(0);
    const manifest = parse(run.stdout());
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(requestUrls(manifest).filter(Boolean)).toEqual([]);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toContain('/unread');
  }, 60_000);

  it('refuses a PUBLIC_URL that is not a URL, naming it', async () => {
    const run = npmRun('manifest', projectDirectory({ PUBLIC_URL: 'bot.example.org' }));
    expect(await run.exited).toBe(78);
    expect(run.output()).toContain('PUBLIC_URL');
  }, 60_000);
});
