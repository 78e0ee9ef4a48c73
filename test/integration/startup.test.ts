/** `npm start`'s entry point as a real process: refusing bad settings, serving health, and stopping cleanly. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/freePort.ts';
import { childEnv } from '../helpers/childEnv.ts';
import { startScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin } from '../standins/slackApi.ts';

const ROOT = join(import.meta.dirname, '../..');

function runMain(env: Record<string, string>, cwd = ROOT) {
  const child = spawn(process.execPath, [join(ROOT, 'src/main.ts')], {
    cwd,
    env: { ...childEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitForHealthy(url: string, deadlineMs: number): Promise<number> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    try {
      const response = await fetch(url);
      if (response.status === 200) return 200;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return 0;
}

describe('the entry point', () => {
  it('refuses to start without its settings, naming each one', async () => {
    const run = runMain({ SLACK_BOT_TOKEN: 'xoxb-1', SOMETHING_UNKNOWN: 'fine' });
    const code = await run.exited;
    expect(code).not.toBe(0);
    const output = run.output();
    for (const name of ['SLACK_SIGNING_SECRET', 'SCALEKIT_ENV_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']) {
      expect(output).toContain(name);
    }
    expect(output).not.toContain('SOMETHING_UNKNOWN');
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('serves /healthz when ready and drains on SIGTERM', async () => {
    const slack = await startSlackApiStandin({ botToken: 'xoxb-start' });
    const scalekit = await startScalekitEmulator();
    const port = await freePort();
    const run = runMain({
      SLACK_BOT_TOKEN: 'xoxb-start',
      SLACK_SIGNING_SECRET: 'secret-start',
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'slack-client-secret',
      PORT: String(port),
      SCALEKIT_ENV_URL: scalekit.url,
      SCALEKIT_CLIENT_ID: scalekit.clientId,
      SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
      SLACK_API_URL: slack.url,
      DATABASE_URL: 'memory://',
    });
    try {
      expect(await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 30_000)).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('bot stopped');
    } finally {
      run.child.kill('SIGKILL');
      await Promise.all([slack.close(), scalekit.close()]);
    }
  });

  describe('with a data directory left by the old embedded database (PGlite)', () => {
    /** A working directory holding ./data/bot/PG_VERSION, as the old default left it. */
    function oldDataDirectory(): string {
      const cwd = mkdtempSync(join(tmpdir(), 'old-data-'));
      mkdirSync(join(cwd, 'data', 'bot'), { recursive: true });
      writeFileSync(join(cwd, 'data', 'bot', 'PG_VERSION'), '17\n');
      return cwd;
    }

    async function settings() {
      const slack = await startSlackApiStandin({ botToken: 'xoxb-old' });
      const scalekit = await startScalekitEmulator();
      const port = await freePort();
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-old',
        SLACK_SIGNING_SECRET: 'secret-old',
        SLACK_CLIENT_ID: '1111.2222',
        SLACK_CLIENT_SECRET: 'slack-client-secret',
        PORT: String(port),
        SCALEKIT_ENV_URL: scalekit.url,
        SCALEKIT_CLIENT_ID: scalekit.clientId,
        SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
        SLACK_API_URL: slack.url,
      };
      return { env, port, close: () => Promise.all([slack.close(), scalekit.close()]) };
    }

    it('starts on the default SQLite file beside it and says the old directory can be deleted', async () => {
      const cwd = oldDataDirectory();
      const { env, port, close } = await settings();
      const run = runMain(env, cwd);
      try {
        expect(await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 30_000)).toBe(200);
        expect(existsSync(join(cwd, 'data', 'bot.sqlite'))).toBe(true);
        expect(run.output()).toContain('data/bot is a data directory of the embedded PostgreSQL (PGlite)');
        expect(run.output()).toContain('can be deleted');
        run.child.kill('SIGTERM');
        expect(await run.exited).toBe(0);
      } finally {
        run.child.kill('SIGKILL');
        await close();
        rmSync(cwd, { recursive: true, force: true });
      }
    });

    it('refuses DATABASE_URL naming that directory with a clear message, not a stack trace', async () => {
      const cwd = oldDataDirectory();
      const { env, close } = await settings();
      const run = runMain({ ...env, DATABASE_URL: './data/bot' }, cwd);
      try {
        expect(await run.exited).not.toBe(0);
        expect(run.output()).toContain('DATABASE_URL names ./data/bot, a PostgreSQL data directory such as the embedded PGlite of earlier versions left');
        expect(run.output()).toContain('can be deleted');
        expect(run.output()).toContain('./data/bot.sqlite');
        expect(run.output()).not.toMatch(/\n\s+at /);
      } finally {
        run.child.kill('SIGKILL');
        await close();
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
});
