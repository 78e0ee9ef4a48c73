/**
 * The bench's settings, from flags (`npm run bench -- --quick --delay 20`) or the matching
 * BENCH_* environment variables; flags win. `--quick` shrinks every phase for a smoke run.
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  quick: boolean;
  /** Added by every stand-in to every answer, in ms. */
  delayMs: number;
  /** Sequential /unread commands per target (bot, baseline) in the latency phase. */
  samples: number;
  /** Commands in flight at once, one load phase per size, each burst repeated this many times. */
  sizes: number[];
  repeats: number;
  /** Commands in the CPU phase (zero added delay), and how many run at once. */
  cpuCommands: number;
  cpuConcurrency: number;
  /** Refresh storm: concurrent commands, spread over this many accounts with expired tokens. */
  stormRequests: number;
  stormAccounts: number;
  /** Separate starts of the bot on new data directories, for its start-up time and idle memory. */
  startups: number;
  /** Users whose scheduled digests all fall due in one minute (issue 16); 0 skips the phase. */
  digestUsers: number;
  /** Where the JSON document goes (also printed). */
  out: string;
}

const USAGE = `npm run bench -- [--quick] [--delay MS] [--samples N] [--sizes 100,500,1000] [--repeats N]
                    [--cpu-commands N] [--cpu-concurrency N] [--storm N] [--storm-accounts N] [--startups N]
                    [--digest-users N] [--out FILE]
Each flag can also be set as BENCH_<NAME> (e.g. BENCH_DELAY=40, BENCH_SIZES=100,500, BENCH_QUICK=1).`;

export class OptionsError extends Error {}

export function readOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      delay: { type: 'string' },
      samples: { type: 'string' },
      sizes: { type: 'string' },
      repeats: { type: 'string' },
      'cpu-commands': { type: 'string' },
      'cpu-concurrency': { type: 'string' },
      storm: { type: 'string' },
      'storm-accounts': { type: 'string' },
      startups: { type: 'string' },
      'digest-users': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new OptionsError(USAGE);
  const setting = (flag: keyof typeof values, name: string) => {
    const value = values[flag];
    return typeof value === 'string' ? value : env[`BENCH_${name}`];
  };
  const quick = values.quick ?? ['1', 'true'].includes(env.BENCH_QUICK ?? '');
  const count = (flag: keyof typeof values, name: string, full: number, smoke: number, min = 1) => {
    const raw = setting(flag, name);
    if (raw === undefined || raw === '') return quick ? smoke : full;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new OptionsError(`--${flag} must be a whole number >= ${min}, got "${raw}"\n${USAGE}`);
    return value;
  };
  const rawSizes = setting('sizes', 'SIZES');
  const sizes = rawSizes ? rawSizes.split(',').map((size) => Number(size.trim())) : quick ? [20, 50] : [100, 500, 1000];
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new OptionsError(`--sizes must be a list of whole numbers such as 100,500,1000, got "${rawSizes}"\n${USAGE}`);
  }
  return {
    quick,
    delayMs: count('delay', 'DELAY', 40, 40, 0),
    samples: count('samples', 'SAMPLES', 150, 15),
    sizes,
    repeats: count('repeats', 'REPEATS', 3, 1),
    cpuCommands: count('cpu-commands', 'CPU_COMMANDS', 2000, 200),
    cpuConcurrency: count('cpu-concurrency', 'CPU_CONCURRENCY', 16, 8),
    stormRequests: count('storm', 'STORM', 1000, 50),
    stormAccounts: count('storm-accounts', 'STORM_ACCOUNTS', 100, 10),
    startups: count('startups', 'STARTUPS', 5, 2),
    digestUsers: count('digest-users', 'DIGEST_USERS', 10_000, 200, 0),
    out: setting('out', 'OUT') ?? 'bench/results/latest.json',
  };
}
