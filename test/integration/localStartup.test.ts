/**
 * `npm start`'s entry point with the built-in agent auth (no Scalekit settings): it refuses to start
 * without TOKEN_ENCRYPTION_KEY, saying how to make one, unless in development mode, where it makes
 * one up for the run and warns, without ever printing it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/freePort.ts';
import { childEnv } from '../helpers/childEnv.ts';
import { startSlackApiStandin } from '../standins/slackApi.ts';

const ROOT = join(import.meta.dirname, '../..');
const GOOGLE = { GOOGLE_CLIENT_ID: 'cid.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'google-secret-start' };

function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/main.ts'], { cwd: ROOT, env: { ...childEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function healthy(url: string, deadlineMs: number): Promise<boolean> {
  for (const end = Date.now() + deadlineMs; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return true;
  }
  return false;
}

describe('the entry point with the built-in agent auth', () => {
  it('refuses to start without an encryption key, saying how to make one', async () => {
    const run = runMain({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'sign', SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: 'slack-client-secret', ...GOOGLE });
    expect(await run.exited).toBe(78);
    expect(run.output()).toContain('TOKEN_ENCRYPTION_KEY');
    expect(run.output()).toContain('openssl rand -base64 32');
    expect(run.output()).not.toContain('SCALEKIT_CLIENT_ID'); // Google settings given: no need to mention Scalekit
  });

  it('makes up a key in development mode, says so, and never prints it', async () => {
    const slack = await startSlackApiStandin({ botToken: 'xoxb-start' });
    const port = await freePort();
    const run = runMain({
      NODE_ENV: 'development',
      SLACK_BOT_TOKEN: 'xoxb-start',
      SLACK_SIGNING_SECRET: 'secret-start',
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'slack-client-secret',
      PORT: String(port),
      SLACK_API_URL: slack.url,
      DATABASE_URL: 'memory://',
      ...GOOGLE,
    });
    try {
      expect(await healthy(`http://127.0.0.1:${port}/healthz`, 30_000)).toBe(true);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      const output = run.output();
      expect(output).toMatch(/TOKEN_ENCRYPTION_KEY is not set: development mode made up a key/);
      expect(output).toMatch(/agent auth: built in/);
      // No 32-byte base64 value anywhere in the output.
      expect(output).not.toMatch(/[A-Za-z0-9+/]{43}=/);
      expect(output).not.toContain('google-secret-start');
    } finally {
      run.child.kill('SIGKILL');
      await slack.close();
    }
  });
});
