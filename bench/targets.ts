/**
 * Starts the programs under test as child processes pointed at the stand-ins: the bot exactly as
 * `npm start` runs it (the bundle its `prestart` builds, with the node flags of its `start` script,
 * settings in the environment, the bench's probe preloaded), the measured floor
 * (`node bench/floor/app.ts`) and the quickstart baseline (`node bench/baseline/app.ts`). Their
 * environment is built from scratch, so nothing in the shell running the bench (e.g. a
 * SLACK_APP_TOKEN, or a .env file) changes what is measured.
 */
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../test/standins/slackOidc.ts';
import { freePort } from '../test/helpers/freePort.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { buildBot, startScript } from '../scripts/build.ts';
import { Child } from './processes.ts';
import { BOT_TOKEN, CONNECTION, SIGNING_SECRET, TOKEN_PREFIX, type Upstreams } from './upstreams.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Target {
  name: 'bot' | 'floor' | 'floor3' | 'baseline';
  url: string;
  process: Child;
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

function slackAndGmailEnv(upstreams: Upstreams): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CLIENT_ID,
    SLACK_CLIENT_SECRET,
    SLACK_OIDC_AUTHORIZE_URL: upstreams.slack.oidc.authorizeUrl,
    SLACK_API_URL: upstreams.slack.url,
    GMAIL_API_URL: upstreams.gmail.url,
    GMAIL_CONNECTION_NAME: CONNECTION,
  };
}

function scalekitEnv(upstreams: Upstreams): Record<string, string> {
  return {
    SCALEKIT_ENV_URL: upstreams.scalekit.url,
    SCALEKIT_CLIENT_ID: upstreams.scalekit.clientId,
    SCALEKIT_CLIENT_SECRET: upstreams.scalekit.clientSecret,
  };
}

export interface Prepared {
  /** How long `npm start`'s prestart (the bundle) took in this run; not part of the bot's start-up time. */
  buildMs: number;
  /** The probe as plain JavaScript: a .ts probe would load Node's type stripper into the bot, 17 MiB the bot does not carry. */
  probe: string;
}

let preparing: Promise<Prepared> | undefined;

/** Builds the bot as `npm start`'s prestart does, and the probe, once per run. */
export function prepare(): Promise<Prepared> {
  preparing ??= (async () => {
    const startedAt = performance.now();
    await buildBot();
    const buildMs = Math.round(performance.now() - startedAt);
    const probeDir = mkdtempSync(join(tmpdir(), 'bench-probe-'));
    process.once('exit', () => rmSync(probeDir, { recursive: true, force: true }));
    await build({ input: join(ROOT, 'bench/probe.ts'), platform: 'node', logLevel: 'warn', output: { dir: probeDir, format: 'esm', entryFileNames: 'probe.mjs' } });
    return { buildMs, probe: join(probeDir, 'probe.mjs') };
  })();
  return preparing;
}

export interface BotOptions {
  /** The agent-auth settings; Scalekit (the emulator) unless given. */
  agentAuthEnv?: Record<string, string>;
  /** Extra flags for node, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/** The bot, as `npm start` runs it, on its embedded database in a new, empty data directory. */
export async function startBot(upstreams: Upstreams, options: BotOptions = {}): Promise<Target> {
  const { probe } = await prepare();
  const { nodeFlags, entry } = startScript();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-bot-data-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  const child = await Child.start({
    name: 'bot',
    cwd: ROOT,
    args: [...nodeFlags, ...(options.nodeArgs ?? []), '--import', probe, entry],
    env: {
      ...baseEnv(),
      ...slackAndGmailEnv(upstreams),
      ...(options.agentAuthEnv ?? scalekitEnv(upstreams)),
      PORT: String(port),
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
      DATABASE_URL: join(dataDir, 'bot.sqlite'),
      // The bench measures speed, not the per-user budgets or the background cap: a few simulated
      // users send thousands of requests each, so both are set out of its way.
      READ_RATE_BURST: '1000000',
      READ_RATE_REFILL_SECONDS: '0.001',
      BACKGROUND_MAX_IN_FLIGHT: '100000',
      BACKGROUND_MAX_QUEUED: '100000',
    },
    healthUrl: `${url}/healthz`,
  });
  return { name: 'bot', url, process: child };
}

/** One of the bench's own programs (bench/<dir>/app.ts), told its port through `portVariable`. */
async function startProgram(name: 'floor' | 'baseline', portVariable: string, env: Record<string, string>, as: Target['name'] = name): Promise<Target> {
  const { probe } = await prepare();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await Child.start({
    name,
    cwd: ROOT,
    // The probe too, so its bursts are measured as the bot's are (peak RSS, CPU, acks as it saw them).
    args: ['--import', probe, `bench/${name}/app.ts`],
    env: { ...baseEnv(), ...env, [portVariable]: String(port) },
    healthUrl: `${url}/healthz`,
  });
  return { name: as, url, process: child };
}

export function startBaseline(upstreams: Upstreams): Promise<Target> {
  return startProgram('baseline', 'BASELINE_PORT', { ...slackAndGmailEnv(upstreams), ...scalekitEnv(upstreams) });
}

/**
 * The floor program (see bench/floor/app.ts): 2 round trips with the answer in the ack ('floor', the
 * new floor) or 3 with the answer on the response_url ('floor3', the old one), and nothing else.
 */
export function startFloor(upstreams: Upstreams, roundTrips: 2 | 3 = 2): Promise<Target> {
  return startProgram('floor', 'FLOOR_PORT', {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    GMAIL_API_URL: upstreams.gmail.url,
    FLOOR_TOKEN_PREFIX: TOKEN_PREFIX,
    FLOOR_ROUND_TRIPS: String(roundTrips),
  }, roundTrips === 2 ? 'floor' : 'floor3');
}
