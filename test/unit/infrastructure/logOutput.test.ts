/** The bounded log output on a real OS pipe: the oldest lines go first, the count is reported, EPIPE stops writing. */
import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LogOutput } from '../../../src/infrastructure/logOutput.ts';

function pipe(): { readFd: number; writeFd: number } {
  const fifo = join(mkdtempSync(join(tmpdir(), 'log-output-')), 'pipe');
  execFileSync('mkfifo', [fifo]);
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  return { readFd, writeFd: openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK) };
}

it('drops the oldest lines while nobody reads, reports how many once the reader is back, and stops at EPIPE', async () => {
  const { readFd, writeFd } = pipe();
  const output = new LogOutput({ fd: writeFd, maxQueuedBytes: 16 * 1024 });
  const reported: number[] = [];
  output.onDropped = (count) => reported.push(count);
  const line = (i: number) => `{"i":${i},"pad":"${'x'.repeat(100)}"}\n`;
  for (let i = 0; i < 5_000; i++) output.write(line(i)); // ~600 KB: far more than the 64 KiB pipe
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(output.state().droppedLines).toBeGreaterThan(0);

  let text = '';
  const reader = new Socket({ fd: readFd, readable: true, writable: false });
  reader.on('data', (d: Buffer) => (text += d.toString()));
  await new Promise<void>((resolve) => output.flush(() => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(reported.reduce((a, b) => a + b, 0)).toBe(output.state().droppedLines);
  expect(text).toContain(line(0)); // written before the pipe filled
  expect(text).toContain(line(4_999)); // the newest line survived
  expect(text).not.toContain(line(4_000)); // an old queued one was dropped

  reader.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (let i = 0; i < 2_000; i++) output.write(line(i));
  await new Promise<void>((resolve) => output.flush(() => resolve()));
  expect(output.state().noReader).toBe('EPIPE');
});
