/**
 * Phase 3: CPU time per command with no added delay: a fixed number of /unread at moderate
 * concurrency, after a warm-up, and the CPU seconds the target process used meanwhile (utime +
 * stime of all its threads, from /proc). Commands per second per core = commands / CPU seconds.
 */
import { inPool, type SlashCommands } from './slashCommands.ts';
import { round } from './stats.ts';
import type { Target } from './targets.ts';

export interface CpuResult {
  target: string;
  commands: number;
  concurrency: number;
  errors: number;
  firstError: string | undefined;
  cpuSeconds: number;
  cpuMsPerCommand: number;
  commandsPerSecondPerCore: number;
  /** Wall-clock throughput on this machine, for context (the stand-ins share the other core). */
  wallCommandsPerSecond: number;
  /** process.cpuUsage() reported by the probe, as a cross-check (bot only). */
  probeCpuSeconds: number | undefined;
}

export async function measureCpu(options: {
  target: Target;
  commands: SlashCommands;
  userIds: readonly string[];
  count: number;
  concurrency: number;
}): Promise<CpuResult> {
  const { target, commands, userIds, count, concurrency } = options;
  const users = Array.from({ length: count }, (_, i) => userIds[i % userIds.length]!);
  // JIT and caches warm before the CPU clock starts.
  await inPool(users.slice(0, Math.min(300, count)), concurrency, (userId) => commands.send(target.url, commands.prepare(userId)));

  const isBot = target.name === 'bot';
  const probeBefore = isBot ? await target.process.read() : undefined;
  const cpuBefore = target.process.cpuSeconds();
  const started = performance.now();
  const outcomes = await inPool(users, concurrency, (userId) => commands.send(target.url, commands.prepare(userId)));
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuSeconds = target.process.cpuSeconds() - cpuBefore;
  const probeAfter = isBot ? await target.process.read() : undefined;
  target.process.assertRunning();

  const failed = outcomes.filter((outcome) => !outcome.ok);
  const probeCpu =
    probeBefore && probeAfter
      ? (probeAfter.cpuUserUs + probeAfter.cpuSystemUs - probeBefore.cpuUserUs - probeBefore.cpuSystemUs) / 1e6
      : undefined;
  return {
    target: target.name,
    commands: count,
    concurrency,
    errors: failed.length,
    firstError: failed[0]?.error,
    cpuSeconds: round(cpuSeconds, 2),
    cpuMsPerCommand: round((cpuSeconds * 1000) / count, 3),
    commandsPerSecondPerCore: Math.round(count / cpuSeconds),
    wallCommandsPerSecond: Math.round(count / wallSeconds),
    probeCpuSeconds: probeCpu === undefined ? undefined : round(probeCpu, 2),
  };
}
