/**
 * Runs the bot (and the baseline) as child processes, so that their memory and CPU figures are
 * their own: start with settings in the environment, wait for the health route, read peak RSS
 * (VmHWM) and CPU time (utime + stime, all threads) from /proc/<pid>, talk to the probe, and stop
 * with SIGTERM (SIGKILL if it lingers). Every child started here is tracked so that a failing or
 * interrupted bench can kill it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeReading } from './probe.ts';

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const running = new Set<ChildProcess>();

export interface ChildOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** URL that answers 200 once the process is ready. */
  healthUrl: string;
}

export class Child {
  readonly name: string;
  /** From spawning the process to its health route answering. */
  startupMs = 0;
  private readonly process: ChildProcess;
  private readonly output: string[] = [];
  private nextId = 0;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.process = child;
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      this.exited = { code, signal };
      running.delete(child);
    });
  }

  static async start(options: ChildOptions): Promise<Child> {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    running.add(child);
    const started = new Child(options.name, child);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (started.exited) throw new Error(`${options.name} exited while starting (${describeExit(started.exited)}):\n${started.tail()}`);
      const healthy = await fetch(options.healthUrl, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) {
        started.startupMs = Math.round(performance.now() - spawnedAt);
        return started;
      }
      await sleep(100);
    }
    await started.stop();
    throw new Error(`${options.name} did not answer ${options.healthUrl} within 30 s:\n${started.tail()}`);
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.process.pid;
  }

  /** Fails loudly if the process died: a crash under load must not look like a slow run. */
  assertRunning(): void {
    if (this.exited) throw new Error(`${this.name} exited (${describeExit(this.exited)}):\n${this.tail()}`);
  }

  /** CPU seconds used so far by every thread of the process (utime + stime from /proc/<pid>/stat). */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5); `fields` starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }

  /** Peak and current resident set size, in MiB. */
  memory(): { peakMiB: number; rssMiB: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peakMiB: Math.round(kib('VmHWM') / 102.4) / 10, rssMiB: Math.round(kib('VmRSS') / 102.4) / 10 };
  }

  /** Resets the peak RSS to the current RSS (Linux clear_refs 5), so a phase reads its own peak. */
  resetPeakMemory(): boolean {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** Lines the process wrote at LOG_LEVEL warn and above (pino JSON: level >= 40) since `from`. */
  warnings(from = 0): string[] {
    return this.output.slice(from).filter((line) => /"level":\s*(4|5|6)\d/.test(line) || !line.startsWith('{'));
  }

  get outputLength(): number {
    return this.output.length;
  }

  tail(lines = 30): string {
    return this.output.slice(-lines).map((line) => `  | ${line}`).join('\n') || '  | (no output)';
  }

  /** Starts a new measuring window in the probe (event-loop delay). */
  async mark(): Promise<void> {
    await this.ask({ type: 'mark' });
  }

  /** The probe's reading; `collect` runs a full GC first (if the process has --expose-gc). */
  async read(collect = false): Promise<ProbeReading> {
    return (await this.ask({ type: 'read', collect })) as ProbeReading;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!stopped) {
      this.process.kill('SIGKILL');
      await exited;
    }
  }

  private ask(message: { type: string; collect?: boolean }): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.process.off('message', onMessage);
        reject(new Error(`${this.name}: no answer from the probe to ${message.type}`));
      }, 5_000);
      const onMessage = (answer: { id?: number }) => {
        if (answer?.id !== id) return;
        clearTimeout(timer);
        this.process.off('message', onMessage);
        resolve(answer);
      };
      this.process.on('message', onMessage);
      this.process.send({ ...message, id });
    });
  }
}

/** Kills whatever is still running (used when the bench fails or is interrupted). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}
