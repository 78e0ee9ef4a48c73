/**
 * Where the bot's log lines go: stdout, written asynchronously by sonic-boom (pino's own writer)
 * behind a queue with a size bound, so that whoever reads the logs can never hold the bot.
 *
 * - A reader that stalls: sonic-boom meets EAGAIN on the non-blocking pipe and retries on a timer;
 *   lines wait in the queue, and when it is full the oldest go first. Once a write gets through
 *   again, the count of dropped lines is reported (as a log line, through `onDropped`).
 * - A reader that goes away (EPIPE, a closed stdout): nothing more is written; lines are counted as
 *   lost and the bot carries on.
 * - Nothing here ever waits synchronously: no flushSync at exit, no Atomics.wait.
 *
 * Why not sonic-boom's own `maxLength`: it drops the line being written, so a stalled reader would
 * lose the newest lines, which say what the bot is doing now; this queue drops the oldest instead.
 * sonic-boom is handed one batch at a time, so its own buffer stays at one batch.
 */
import { writeSync } from 'node:fs';
import sonicBoom from 'sonic-boom';

// sonic-boom is CommonJS: at run time its default export is the class itself, which also carries
// itself as `SonicBoom`; its typings describe that property.
const { SonicBoom } = sonicBoom;

/** The most handed to sonic-boom in one write (its own default write size). */
const BATCH_BYTES = 16 * 1024;

export interface LogOutputOptions {
  /** The queue's bound: lines waiting for a slow reader, in bytes. */
  maxQueuedBytes: number;
  /** The file descriptor to write to (default 1, stdout). */
  fd?: number;
  /** Turns a JSON line into what is written (pino-pretty's formatter in a terminal). */
  format?: (line: string) => string;
}

export interface LogOutputState {
  /** Lines waiting to be written. */
  queuedLines: number;
  /** Lines dropped (stalled reader) or lost (no reader) since the start. */
  droppedLines: number;
  /** Set once writing has stopped for good: the error code (EPIPE, EBADF, ...). */
  noReader: string | undefined;
}

export class LogOutput {
  /** Called on the first successful write after lines were dropped, with how many were. */
  onDropped: ((count: number) => void) | undefined;

  private readonly boom: InstanceType<typeof SonicBoom>;
  private readonly fd: number;
  private readonly maxQueuedBytes: number;
  private readonly format: ((line: string) => string) | undefined;
  private lines: string[] = [];
  private sizes: number[] = [];
  private head = 0;
  private queuedBytes = 0;
  private inFlight = false;
  private inFlightLines = 0;
  private droppedSinceReport = 0;
  private droppedTotal = 0;
  private stoppedBy: string | undefined;
  private flushWaiters: Array<() => void> = [];

  constructor(options: LogOutputOptions) {
    this.fd = options.fd ?? 1;
    this.maxQueuedBytes = options.maxQueuedBytes;
    this.format = options.format;
    // retryEAGAIN: a full pipe is retried on a timer (asynchronous mode), never with a sleep.
    this.boom = new SonicBoom({ fd: this.fd, sync: false, retryEAGAIN: () => true });
    this.boom.on('drain', () => this.written());
    this.boom.on('error', (err: NodeJS.ErrnoException) => this.stop(err.code ?? err.message));
  }

  /** pino's destination interface: one serialized line (with its newline). */
  write(chunk: string): void {
    if (this.stoppedBy) {
      this.droppedTotal += 1;
      return;
    }
    const line = this.format ? this.format(chunk) : chunk;
    this.lines.push(line);
    const size = Buffer.byteLength(line);
    this.sizes.push(size);
    this.queuedBytes += size;
    this.dropOldestBeyondBound();
    this.pump();
  }

  /** pino's `logger.flush(cb)`: calls back once everything queued is written, or writing has stopped. */
  flush(callback: (err?: Error) => void = () => {}): void {
    if (this.idle()) callback();
    else this.flushWaiters.push(() => callback());
  }

  state(): LogOutputState {
    return { queuedLines: this.lines.length - this.head, droppedLines: this.droppedTotal, noReader: this.stoppedBy };
  }

  /**
   * At process exit, one attempt to write what is still queued, without waiting: stdout is
   * non-blocking (see `stdoutLogOutput`), so a full pipe fails at once with EAGAIN.
   */
  writeRemainingOnce(): void {
    if (this.stoppedBy || this.inFlight || this.head === this.lines.length) return;
    try {
      writeSync(this.fd, this.lines.slice(this.head).join(''));
    } catch {
      // Best effort only: nobody is reading, or not fast enough.
    }
    this.clearQueue();
  }

  private idle(): boolean {
    return this.stoppedBy !== undefined || (!this.inFlight && this.head === this.lines.length);
  }

  private dropOldestBeyondBound(): void {
    // The newest line is always kept, even when it alone is over the bound.
    while (this.queuedBytes > this.maxQueuedBytes && this.lines.length - this.head > 1) {
      this.queuedBytes -= this.sizes[this.head] as number;
      this.head += 1;
      this.droppedSinceReport += 1;
      this.droppedTotal += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  private pump(): void {
    if (this.inFlight || this.stoppedBy || this.head === this.lines.length) return;
    let batch = '';
    let bytes = 0;
    let count = 0;
    while (this.head < this.lines.length && (bytes === 0 || bytes + (this.sizes[this.head] as number) <= BATCH_BYTES)) {
      batch += this.lines[this.head];
      bytes += this.sizes[this.head] as number;
      this.head += 1;
      count += 1;
    }
    this.queuedBytes -= bytes;
    if (this.head === this.lines.length) this.clearQueue();
    this.inFlight = true;
    this.inFlightLines = count;
    this.boom.write(batch);
  }

  /** sonic-boom wrote everything it was handed: the reader is there. */
  private written(): void {
    this.inFlight = false;
    if (this.droppedSinceReport > 0) {
      const count = this.droppedSinceReport;
      this.droppedSinceReport = 0;
      this.onDropped?.(count);
    }
    this.pump();
    if (this.idle()) this.settleFlushWaiters();
  }

  /** EPIPE, a closed descriptor or any other write error: nobody will read these lines. */
  private stop(code: string): void {
    if (this.stoppedBy) return;
    this.stoppedBy = code;
    // sonic-boom may have written part of the batch in flight; count it all as lost.
    this.droppedTotal += (this.inFlight ? this.inFlightLines : 0) + this.lines.length - this.head;
    this.inFlight = false;
    this.clearQueue();
    this.settleFlushWaiters();
  }

  private clearQueue(): void {
    this.lines = [];
    this.sizes = [];
    this.head = 0;
    this.queuedBytes = 0;
  }

  private settleFlushWaiters(): void {
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const waiter of waiters) waiter();
  }
}

/**
 * The log output on stdout. Touching `process.stdout` makes Node open fd 1 through libuv, which
 * puts a pipe or socket in non-blocking mode: without that, a write to a stalled pipe would block
 * a thread-pool thread for as long as the reader stalls, and the process could not exit (libuv
 * joins its threads at exit). Its 'error' listener keeps an EPIPE on it from crashing the bot.
 */
export function stdoutLogOutput(options: Omit<LogOutputOptions, 'fd'>): LogOutput {
  process.stdout.on('error', () => {});
  const output = new LogOutput({ ...options, fd: 1 });
  process.on('exit', () => output.writeRemainingOnce());
  return output;
}
