/**
 * `npm run bench`: how fast /unread is against upstreams that each add a fixed delay, next to a
 * baseline that follows Scalekit's quickstart literally, and how the bot holds up under load.
 * One run measures, in order: latency and round trips (bot vs baseline), CPU per command (no
 * delay), bursts of concurrent commands, and the refresh storm of the self-hosted vault. It
 * prints tables and a JSON document (also written to bench/results/latest.json), cleans up every
 * process and server it started, and exits non-zero with a message if anything fails.
 */
import os from 'node:os';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { runDigestMinute, type DigestMinuteResult } from './digestPhase.ts';
import { measureCpu, type CpuResult } from './cpu.ts';
import { compareLatency, measureLatency } from './latency.ts';
import { burst, warmUp, type LoadResult } from './load.ts';
import { OptionsError, readOptions, type BenchOptions } from './options.ts';
import { killAll } from './processes.ts';
import { runRefreshStorm } from './refreshStorm.ts';
import { machine, METHOD, render, revision, summarizeStartups, writeJson, type BenchDocument, type StartupSample } from './report.ts';
import { SlashCommands } from './slashCommands.ts';
import { prepare, ROOT, startBaseline, startBot, startFloor, type Target } from './targets.ts';
import { startUpstreams, type Upstreams } from './upstreams.ts';

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const userId = (i: number) => `UB${String(i).padStart(5, '0')}`;

async function main(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const checkedOut = revision(ROOT); // before the run: others may change the tree meanwhile
  const loadAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
  let upstreams: Upstreams | undefined;
  let commands: SlashCommands | undefined;
  const targets: Target[] = [];
  const stop = async (target: Target) => {
    targets.splice(targets.indexOf(target), 1);
    await target.process.stop();
  };
  try {
    upstreams = await startUpstreams();
    upstreams.setDelay(options.delayMs);
    const loadUsers = Array.from({ length: Math.max(...options.sizes) }, (_, i) => userId(i + 1));
    const latencyUser = userId(0);
    upstreams.activate([latencyUser, ...loadUsers]);
    commands = new SlashCommands(upstreams.slack, upstreams.trace);

    progress('building the bot as npm start does (prestart: scripts/build.ts), and the probe');
    const { buildMs } = await prepare();
    // Start-up is one short moment, so one sample on a shared machine says little: several starts,
    // each on a new data directory, each read one second after /healthz answered.
    progress(`start-up: ${options.startups} starts of the bot on new data directories`);
    const startupSamples: StartupSample[] = [];
    for (let i = 0; i < options.startups; i++) {
      const started = await startBot(upstreams);
      targets.push(started);
      await sleep(1_000);
      startupSamples.push({ healthzMs: started.process.startupMs, idleRssMiB: started.process.memory().rssMiB });
      await stop(started);
    }
    progress('starting the bot (node dist/main.js, with the start script\'s flags), the floor program (node bench/floor/app.ts) and the baseline (node bench/baseline/app.ts)');
    const bot = await startBot(upstreams);
    targets.push(bot);
    await sleep(1_000); // idle: started, nothing asked of it yet
    const botIdleRssAtStartMiB = bot.process.memory().rssMiB;
    const floor = await startFloor(upstreams, 2);
    targets.push(floor);
    const floor3 = await startFloor(upstreams, 3);
    targets.push(floor3);
    const baseline = await startBaseline(upstreams);
    targets.push(baseline);

    progress(`latency: ${options.samples} commands each, one at a time, ${options.delayMs} ms added per upstream request`);
    const latency = await measureLatency({ targets: [bot, floor, floor3, baseline], commands, trace: upstreams.trace, samples: options.samples, warmup: 5, userId: latencyUser });
    await stop(floor);

    progress(`cpu: ${options.cpuCommands} commands, ${options.cpuConcurrency} at a time, no added delay`);
    upstreams.setDelay(0);
    const cpuUsers = loadUsers.slice(0, Math.min(loadUsers.length, 200));
    await warmUp(commands, bot, cpuUsers, 50);
    const cpu: CpuResult[] = [];
    for (const target of [bot, baseline]) {
      cpu.push(await measureCpu({ target, commands, userIds: cpuUsers, count: options.cpuCommands, concurrency: options.cpuConcurrency }));
    }
    upstreams.setDelay(options.delayMs);

    progress(`load: warming ${loadUsers.length} users, then bursts of ${options.sizes.join(', ')}, ${options.repeats} of each, bot, baseline, then the floor program`);
    await warmUp(commands, bot, loadUsers, 100);
    await warmUp(commands, baseline, loadUsers.slice(0, 200), 100);
    const botIdleRssMiB = bot.process.memory().rssMiB;
    const bursts: LoadResult[] = [];
    const baselineBursts: LoadResult[] = [];
    // The old floor program answers on the response_url, as the bot does under load: what no program
    // can beat on this machine, through these stand-ins and this load generator.
    const floorBursts: LoadResult[] = [];
    for (const size of options.sizes) {
      const userIds = loadUsers.slice(0, size);
      bursts.push(await burst({ target: bot, commands, trace: upstreams.trace, userIds, repeats: options.repeats }));
      baselineBursts.push(await burst({ target: baseline, commands, trace: upstreams.trace, userIds, repeats: options.repeats }));
      floorBursts.push(await burst({ target: floor3, commands, trace: upstreams.trace, userIds, repeats: options.repeats }));
      progress(`  ${size} in flight: done`);
    }
    const botWarnings = bot.process.warnings();
    await stop(bot);
    await stop(baseline);
    await stop(floor3);

    progress(`refresh storm: ${options.stormRequests} commands over ${options.stormAccounts} accounts with expired tokens`);
    const refreshStorm = await runRefreshStorm({ options, upstreams, commands, targets, progress });

    let digestMinute: DigestMinuteResult | undefined;
    if (options.digestUsers > 0) {
      progress(`digests: ${options.digestUsers} users' digests due in one minute (bench/digestMinute.ts)`);
      digestMinute = await runDigestMinute(ROOT, options.digestUsers);
    }

    const document: BenchDocument = {
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      revision: checkedOut,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: machine(loadAtStart),
      botStartupMs: bot.process.startupMs,
      botBuildMs: buildMs,
      startup: summarizeStartups(startupSamples),
      options,
      method: METHOD,
      latency: { results: latency, comparison: compareLatency(latency, options.delayMs) },
      cpu,
      load: { botIdleRssAtStartMiB, botIdleRssMiB, bursts, baselineBursts, floorBursts },
      botWarnings: { count: botWarnings.length, first: botWarnings.slice(0, 3) },
      refreshStorm,
      digestMinute,
    };
    process.stdout.write(`${render(document)}\n\n${JSON.stringify(document, null, 2)}\n`);
    writeJson(options.out, document);
    progress(`wrote ${options.out}`);

    const failures = [...latency, ...cpu, ...bursts, ...baselineBursts, ...floorBursts, ...(refreshStorm.status === 'ran' ? [refreshStorm] : [])].filter((r) => r.errors > 0);
    if (failures.length > 0) {
      throw new Error(`commands failed: ${failures.map((r) => `${r.errors} (e.g. ${r.firstError})`).join('; ')}`);
    }
  } finally {
    await commands?.close().catch(() => {});
    await Promise.allSettled(targets.map((target) => target.process.stop()));
    await upstreams?.close();
    killAll();
  }
}

let options: BenchOptions;
try {
  options = readOptions(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(error instanceof OptionsError ? 2 : 1);
}
// Whatever ends this process, no child outlives it (the children also leave when their IPC channel
// closes). A closed stdout (`npm run bench | head`) must not crash the run before its cleanup.
process.on('exit', killAll);
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    killAll();
    process.exit(130);
  });
}
main(options).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\nbench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
