/**
 * The bench's digest phase: `bench/digestMinute.ts` run as its own process (it starts a bot and
 * stand-ins of its own, so its memory figures are not mixed with the other phases'), its JSON read
 * back. Issue 16: so many digests due in one minute, how long until all are DMed, and memory.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export type DigestMinuteResult =
  | {
      status: 'ran';
      users: number;
      secondsUntilAllDelivered: number;
      digestsPerSecond: number;
      distinctRecipients: number;
      peakChatPostMessagePerSecond: number;
      concurrencyPerInstance: number;
      rssBeforeMiB: number;
      peakRssMiB: number;
      note: string;
    }
  | { status: 'failed'; reason: string };

export function runDigestMinute(root: string, users: number): Promise<DigestMinuteResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bench/digestMinute.ts'), '--users', String(users)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (error) => resolve({ status: 'failed', reason: error.message }));
    child.on('close', (code) => {
      if (code !== 0) return resolve({ status: 'failed', reason: `bench/digestMinute.ts exited with ${code}` });
      try {
        resolve({ status: 'ran', ...(JSON.parse(stdout.slice(stdout.indexOf('{'))) as Omit<Extract<DigestMinuteResult, { status: 'ran' }>, 'status'>) });
      } catch {
        resolve({ status: 'failed', reason: 'bench/digestMinute.ts printed no result' });
      }
    });
  });
}
