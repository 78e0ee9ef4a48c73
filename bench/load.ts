/**
 * Phase 2: bursts of /unread from different users, all in flight at once (100, 500, 1000 by
 * default), against the bot with warm tokens, each on new connections as from Slack's many senders,
 * and each size repeated (3 times by default: one burst varies a lot on a shared machine), the
 * latencies pooled. Per size: acknowledgement and completion latency as
 * the sender sees them, the bot's own view of its acks (from the probe), errors, the bot's peak RSS,
 * CPU and event-loop delay, the TCP connections the bot opened to each stand-in (churn shows as
 * connections growing with requests), accept-queue overflows (SYNs the kernel dropped: each costs
 * the sender a 1 s, then 3 s, retransmit), and the bench process's own CPU and event-loop delay, to
 * show whether the generator and the stand-ins kept up.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeReading } from './probe.ts';
import { inPool, type CommandOutcome, type SlashCommands } from './slashCommands.ts';
import { round, summarize, type Summary } from './stats.ts';
import type { Target } from './targets.ts';
import { countByService, type Service, type UpstreamTrace } from './trace.ts';

export interface LoadResult {
  inFlight: number;
  /** Bursts of this size; the latencies are percentiles over all of their commands. */
  repeats: number;
  errors: number;
  firstError: string | undefined;
  /** Median wall time of a burst (first command sent to last answer posted), and each one's. */
  wallMs: number;
  wallsMs: number[];
  ackMs: Summary;
  completionMs: Summary;
  /** The bot's view of the same acks: from the request reaching it (TCP accept, or headers) to its answer. */
  botSideAck: ProbeReading['slackRequests'];
  /** TcpExt ListenOverflows over the bursts (system-wide; the bench's listeners are the busy ones). */
  listenOverflows: number | undefined;
  /** Peak RSS of the bot over these bursts (peak since start if the kernel refused a reset). */
  botPeakRssMiB: number;
  peakIsPerBurst: boolean;
  /** CPU seconds per burst: the bot's, and the bench process's (stand-ins, trace, load generator). */
  botCpuSeconds: number;
  benchCpuSeconds: number;
  botEventLoopDelayMs: ProbeReading['eventLoopDelayMs'];
  benchEventLoopDelayMs: { p99: number; max: number };
  /** The load generator's own thread (senderWorker.ts): its event-loop delay p99, worst burst. */
  senderLoopDelayP99Ms: number;
  /** Upstream requests per burst, by stand-in. */
  upstreamRequests: Record<Service, number>;
  /** New TCP connections the stand-ins accepted per burst (from the bot; the generator's own are not counted). */
  newConnections: Record<Service, number>;
}

/** Sends one command per user, `concurrency` at a time, so every user has a warm token and a stored identifier. */
export async function warmUp(commands: SlashCommands, target: Target, userIds: readonly string[], concurrency: number): Promise<void> {
  const outcomes = await inPool(userIds, concurrency, (userId) => commands.send(target.url, commands.prepare(userId)));
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length > 0) throw new Error(`warm-up: ${failed.length} of ${outcomes.length} commands failed, e.g. ${failed[0]!.error}`);
}

export async function burst(options: {
  target: Target;
  commands: SlashCommands;
  trace: UpstreamTrace;
  userIds: readonly string[];
  repeats: number;
}): Promise<LoadResult> {
  const { target, commands, trace, userIds, repeats } = options;
  const bot = target.process;
  await sleep(200); // let the previous phase's sockets and timers settle
  const perBurst = bot.resetPeakMemory();
  await bot.mark();
  const cpuBefore = bot.cpuSeconds();
  const benchCpuBefore = process.cpuUsage();
  const overflowsBefore = listenOverflows();
  const connectionsBefore = { ...trace.connections };
  const benchLoop = monitorEventLoopDelay({ resolution: 10 });
  benchLoop.enable();

  const outcomes: CommandOutcome[] = [];
  const walls: number[] = [];
  const senderLoopP99s: number[] = [];
  const requests: Record<Service, number> = { scalekit: 0, gmail: 0, slack: 0 };
  for (let i = 0; i < repeats; i++) {
    if (i > 0) await sleep(200);
    trace.clear();
    const prepared = userIds.map((userId) => commands.prepare(userId));
    const started = performance.now();
    const sent = await commands.sendBurst(target.url, prepared, { freshConnections: true });
    outcomes.push(...sent.outcomes);
    walls.push(performance.now() - started);
    senderLoopP99s.push(sent.senderLoopDelayMs.p99);
    const counted = countByService(trace.requests);
    for (const service of ['scalekit', 'gmail', 'slack'] as const) requests[service] += counted[service];
    bot.assertRunning();
  }

  benchLoop.disable();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const overflowsAfter = listenOverflows();
  const reading = await bot.read();
  const failed = outcomes.filter((outcome) => !outcome.ok);
  const perBurstCount = (total: number) => Math.round(total / repeats);
  // Whole 10 ms timer intervals are recorded; the delay is the excess.
  const delay = (ns: number) => round(Math.max(0, ns / 1e6 - 10));
  return {
    inFlight: userIds.length,
    repeats,
    errors: failed.length,
    firstError: failed[0]?.error,
    wallMs: summarize(walls).p50,
    wallsMs: walls.map((wall) => round(wall)),
    ackMs: summarize(outcomes.flatMap((outcome) => (outcome.ackMs === undefined ? [] : [outcome.ackMs]))),
    completionMs: summarize(outcomes.flatMap((outcome) => (outcome.ok ? [outcome.completeMs!] : []))),
    botSideAck: reading.slackRequests,
    listenOverflows: overflowsBefore === undefined || overflowsAfter === undefined ? undefined : overflowsAfter - overflowsBefore,
    botPeakRssMiB: bot.memory().peakMiB,
    peakIsPerBurst: perBurst,
    botCpuSeconds: round((bot.cpuSeconds() - cpuBefore) / repeats, 2),
    benchCpuSeconds: round((benchCpu.user + benchCpu.system) / 1e6 / repeats, 2),
    botEventLoopDelayMs: reading.eventLoopDelayMs,
    benchEventLoopDelayMs: { p99: delay(benchLoop.percentile(99)), max: delay(benchLoop.max) },
    senderLoopDelayP99Ms: Math.max(...senderLoopP99s),
    upstreamRequests: {
      scalekit: perBurstCount(requests.scalekit),
      gmail: perBurstCount(requests.gmail),
      slack: perBurstCount(requests.slack),
    },
    newConnections: {
      scalekit: perBurstCount(trace.connections.scalekit - connectionsBefore.scalekit),
      gmail: perBurstCount(trace.connections.gmail - connectionsBefore.gmail),
      slack: perBurstCount(trace.connections.slack - connectionsBefore.slack),
    },
  };
}

/** The kernel's count of connections dropped because a listener's accept queue was full. */
export function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const index = lines.findIndex((line, i) => line.startsWith('TcpExt:') && lines[i + 1]?.startsWith('TcpExt:'));
    const names = lines[index]!.split(' ');
    const values = lines[index + 1]!.split(' ');
    const value = Number(values[names.indexOf('ListenOverflows')]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
