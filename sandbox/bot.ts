/**
 * The real bot, started as `npm start` starts it (the bundle its prestart builds, with its node
 * flags) in a process of its own, with only the settings the sandbox gives it (a .env or the
 * caller's Slack settings must not leak in, so the start script's .env flag is left out).
 * Its log goes to a file in the sandbox's data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBot, startScript } from '../scripts/build.ts';

const REPO = join(import.meta.dirname, '..');

export interface BotProcess {
  url: string;
  logFile: string;
  /** Settles when the bot's process ends, with its exit code (null: ended by a signal). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startBot(settings: Record<string, string>, dataDir: string, url: string): Promise<BotProcess> {
  const logFile = join(dataDir, 'bot.log');
  const log = createWriteStream(logFile);
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : []));
  // Built into the sandbox's own folder: a dist/ that `npm start` or the bench is using stays as it is.
  const entry = await buildBot(join(dataDir, 'dist'));
  const child = spawn(process.execPath, [...startScript().nodeFlags, entry], {
    cwd: REPO,
    env: { ...Object.fromEntries(keep), ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await untilReady(`${url}/readyz`, exited);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`${(error as Error).message}\nThe bot's last log lines (${logFile}):\n${tail}`);
  }
  return { url, logFile, exited, stop: () => stop(child, exited).finally(() => log.end()) };
}

async function untilReady(readyUrl: string, exited: Promise<number | null>): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`The bot stopped at start (exit code ${gone}).`);
    const ready = await fetch(readyUrl).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('The bot did not become ready within 60 s.');
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
