/**
 * `npm run bench:profile`: where the bot's CPU goes on /unread. Starts the stand-ins and the bot as
 * the bench does, with `--cpu-prof` into a folder, runs the CPU phase's commands (no added delay)
 * and one burst, stops the bot (the profile is written as it exits) and prints the self time by
 * function and by package, top first. The .cpuprofile file opens in Chrome's DevTools too.
 *
 *   npm run bench:profile -- [--commands 2000] [--concurrency 16] [--burst 1000] [--delay 40] [--out DIR]
 *                            [--node-flags "--max-semi-space-size=4"] [--no-profile]
 *
 * `--concurrency 1 --burst 0` profiles commands one at a time (the path of the latency phase).
 *
 * `--node-flags` go after the start script's (so they override them): a quick way to try V8
 * settings; `--no-profile` measures without the profiler's own cost (CPU per command, idle RSS).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { burst, warmUp } from './load.ts';
import { killAll } from './processes.ts';
import { inPool, SlashCommands } from './slashCommands.ts';
import { startBot } from './targets.ts';
import { startUpstreams } from './upstreams.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    commands: { type: 'string' },
    concurrency: { type: 'string' },
    burst: { type: 'string' },
    delay: { type: 'string' },
    out: { type: 'string' },
    top: { type: 'string' },
    'node-flags': { type: 'string' },
    'no-profile': { type: 'boolean' },
  },
});
const profiling = !values['no-profile'];
const extraFlags = (values['node-flags'] ?? '').split(/\s+/).filter(Boolean);
const commandsCount = Number(values.commands ?? 2000);
const concurrency = Math.max(1, Number(values.concurrency ?? 16));
const burstSize = Number(values.burst ?? 1000);
const delayMs = Number(values.delay ?? 40);
const top = Number(values.top ?? 40);
const out = resolve(values.out ?? join('bench', 'results', `profile-${Date.now()}`));
const userId = (i: number) => `UB${String(i).padStart(5, '0')}`;

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const upstreams = await startUpstreams();
  const users = Array.from({ length: Math.max(burstSize, 200) }, (_, i) => userId(i + 1));
  upstreams.activate(users);
  const commands = new SlashCommands(upstreams.slack, upstreams.trace);
  const bot = await startBot(upstreams, { nodeArgs: [...extraFlags, ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${out}`] : [])] });
  try {
    await sleep(1_000);
    process.stderr.write(`[profile] idle RSS one second after /healthz: ${bot.process.memory().rssMiB} MiB\n`);
    upstreams.setDelay(0);
    await warmUp(commands, bot, users, 100);
    const cpuBefore = bot.process.cpuSeconds();
    const cpuUsers = Array.from({ length: commandsCount }, (_, i) => users[i % 200]!);
    await inPool(cpuUsers, concurrency, (user) => commands.send(bot.url, commands.prepare(user)));
    const cpu = bot.process.cpuSeconds() - cpuBefore;
    process.stderr.write(`[profile] ${commandsCount} commands, ${concurrency} at a time: ${((cpu * 1000) / commandsCount).toFixed(3)} ms CPU per command\n`);
    if (burstSize > 0) {
      upstreams.setDelay(delayMs);
      const result = await burst({ target: bot, commands, trace: upstreams.trace, userIds: users.slice(0, burstSize), repeats: 1 });
      process.stderr.write(`[profile] burst of ${burstSize}: ack p50 ${result.ackMs.p50} p99 ${result.ackMs.p99} max ${result.ackMs.max}, done p99 ${result.completionMs.p99}, errors ${result.errors}\n`);
    }
    process.stderr.write(`[profile] peak RSS ${bot.process.memory().peakMiB} MiB\n`);
  } finally {
    await bot.process.stop();
    await commands.close();
    await upstreams.close();
  }
  if (!profiling) return;
  const file = readdirSync(out).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${out}`);
  summarize(JSON.parse(readFileSync(join(out, file), 'utf8')) as CpuProfile, join(out, file));
}

function summarize(profile: CpuProfile, path: string): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\/.*\/(dist|node_modules)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const pkg = url === '' ? functionName : /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith('node:') ? url : url.includes('/dist/') ? 'dist' : url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const print = (title: string, entries: Map<string, number>) => {
    process.stdout.write(`\n${title} (self time, % of ${(total / 1e6).toFixed(2)} s sampled)\n`);
    for (const [key, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}\n`);
    }
  };
  print('By function', byFunction);
  print('By package or file', byPackage);
  process.stdout.write(`\nprofile: ${path}\n`);
}

process.on('exit', killAll);
main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`profile failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
