/**
 * Phase 1: end-to-end latency of one /unread at a time with warm tokens, the bot, the floor program
 * and the baseline taking turns (so a noisy moment on the machine hits all of them). For each command, from the stand-ins'
 * traffic in its window: the sequential round trips on its critical path, the time the upstreams
 * spent answering them, and so the target's own time (the rest). Also the bot's event-loop delay
 * over the phase: with one command at a time, any blocking work shows there undiluted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeReading } from './probe.ts';
import { type CommandOutcome, type SlashCommands } from './slashCommands.ts';
import { mode, round, summarize, type Summary } from './stats.ts';
import type { Target } from './targets.ts';
import { countByService, criticalPath, type Service, type UpstreamTrace } from './trace.ts';

export interface LatencyResult {
  target: string;
  samples: number;
  errors: number;
  firstError: string | undefined;
  endToEndMs: Summary;
  ackMs: Summary;
  /** Sequential upstream round trips per command: the usual value, and the range seen. */
  roundTrips: { usual: number; min: number; max: number };
  /** Time the upstreams took to answer the requests on the critical path (delay + stand-in work). */
  upstreamOnPathMs: Summary;
  /** End-to-end minus upstream time on the path: the target's own work and the hops to and from it. */
  ownTimeMs: Summary;
  /**
   * Where the own time goes (p50s): from the command being sent to the first upstream request
   * arriving (receiving, verifying and acknowledging it, and the hop out), and the sum of the gaps
   * between one upstream answer and the next request on the path (reading an answer, the next hop).
   */
  ownTimeSplitMs: { beforeFirstCall: number; betweenCalls: number };
  /** Upstream requests per command (the usual value), by stand-in. */
  requestsPerCommand: Record<Service, number>;
  /** Bot only: event-loop delay over the phase, from the probe. */
  eventLoopDelayMs: ProbeReading['eventLoopDelayMs'] | undefined;
  /** Resident memory of the process at the end of the phase. */
  memory: { peakMiB: number; rssMiB: number };
}

interface Sample {
  outcome: CommandOutcome;
  roundTrips?: number;
  upstreamMs?: number;
  requests?: Record<Service, number>;
  beforeFirstCallMs?: number;
  betweenCallsMs?: number;
}

export async function measureLatency(options: {
  targets: Target[];
  commands: SlashCommands;
  trace: UpstreamTrace;
  samples: number;
  warmup: number;
  userId: string;
}): Promise<LatencyResult[]> {
  const { targets, commands, trace } = options;
  const samples = new Map<string, Sample[]>(targets.map((target) => [target.name, []]));

  for (let i = 0; i < options.warmup + options.samples; i++) {
    if (i === options.warmup) await Promise.all(targets.map((target) => (target.name === 'bot' ? target.process.mark() : undefined)));
    for (const target of targets) {
      const outcome = await commands.send(target.url, commands.prepare(options.userId), 15_000);
      target.process.assertRunning();
      if (i >= options.warmup) {
        const sample: Sample = { outcome };
        if (outcome.completedAt !== undefined) {
          const window = trace.between(outcome.sentAt, outcome.completedAt);
          const path = criticalPath(window);
          const first = path.chain[0];
          Object.assign(sample, {
            roundTrips: path.roundTrips,
            upstreamMs: path.upstreamMs,
            requests: countByService(window),
            beforeFirstCallMs: first ? first.start - outcome.sentAt : undefined,
            betweenCallsMs: path.chain.slice(1).reduce((sum, request, k) => sum + (request.start - path.chain[k]!.end), 0),
          });
        }
        samples.get(target.name)!.push(sample);
      }
      trace.clear();
      await sleep(5); // lets any straggling upstream call land before the next window opens
    }
  }

  const results: LatencyResult[] = [];
  for (const target of targets) {
    const done = samples.get(target.name)!;
    const ok = done.filter((sample) => sample.outcome.ok && sample.roundTrips !== undefined);
    const failed = done.filter((sample) => !sample.outcome.ok);
    const trips = ok.map((sample) => sample.roundTrips!);
    const usual = (service: Service) => mode(ok.map((sample) => sample.requests![service]));
    results.push({
      target: target.name,
      samples: done.length,
      errors: failed.length,
      firstError: failed[0]?.outcome.error,
      endToEndMs: summarize(ok.map((sample) => sample.outcome.completeMs!)),
      ackMs: summarize(done.flatMap((sample) => (sample.outcome.ackMs === undefined ? [] : [sample.outcome.ackMs]))),
      roundTrips: { usual: mode(trips), min: Math.min(...trips), max: Math.max(...trips) },
      upstreamOnPathMs: summarize(ok.map((sample) => sample.upstreamMs!)),
      ownTimeMs: summarize(ok.map((sample) => sample.outcome.completeMs! - sample.upstreamMs!)),
      ownTimeSplitMs: {
        beforeFirstCall: summarize(ok.flatMap((sample) => (sample.beforeFirstCallMs === undefined ? [] : [sample.beforeFirstCallMs]))).p50,
        betweenCalls: summarize(ok.map((sample) => sample.betweenCallsMs ?? 0)).p50,
      },
      requestsPerCommand: { scalekit: usual('scalekit'), gmail: usual('gmail'), slack: usual('slack') },
      eventLoopDelayMs: target.name === 'bot' ? (await target.process.read()).eventLoopDelayMs : undefined,
      memory: target.process.memory(),
    });
  }
  return results;
}

export interface LatencyComparison {
  floorRoundTrips: number;
  /** 3 round trips x the added delay: what the network alone costs. */
  floorMs: number;
  /** The bot's end-to-end time over that floor, in percent (undefined with no delay). */
  botAboveFloorPercent: { p50: number; p99: number } | undefined;
  /** Of the bot's median time above the floor: the stand-ins' own work inside the round trips, and the bot's own time. */
  botAboveFloorMs: { total: number; upstreams: number; bot: number };
  baselineOverBot: { p50: number; p99: number };
  /**
   * The bot next to the floor program (bench/floor/app.ts: the same three round trips with no other
   * work), i.e. next to what the network and the machine allow here: p50 and p99 differences in ms
   * and percent. Undefined when the floor program did not run.
   */
  botOverMeasuredFloor: { p50Ms: number; p99Ms: number; p50Percent: number; p99Percent: number } | undefined;
  /** The same against the old floor program (3 round trips: ack first, answer on the response_url). */
  botOverOldFloor?: { p50Ms: number; p99Ms: number; p50Percent: number; p99Percent: number } | undefined;
  /** The bot's p50 over the old theoretical floor, 3 round trips x the added delay (undefined with no delay). */
  botOverOldFloorRatio?: number | undefined;
  /** The bot's p50 over the new theoretical floor, 2 round trips x the added delay (undefined with no delay). */
  botOverFloorRatio?: number | undefined;
}

/** How the bot compares with the floor (3 round trips x delay) and with the baseline. */
export function compareLatency(results: LatencyResult[], delayMs: number): LatencyComparison | undefined {
  const bot = results.find((result) => result.target === 'bot');
  const baseline = results.find((result) => result.target === 'baseline');
  const measuredFloor = results.find((result) => result.target === 'floor');
  const oldFloor = results.find((result) => result.target === 'floor3');
  if (!bot || !baseline) return undefined;
  // The new floor: Gmail list and Gmail batch, the answer inside the acknowledgement.
  const floorRoundTrips = 2;
  const over = (floor: LatencyResult | undefined) => floor
    ? {
        p50Ms: round(bot.endToEndMs.p50 - floor.endToEndMs.p50),
        p99Ms: round(bot.endToEndMs.p99 - floor.endToEndMs.p99),
        p50Percent: round(((bot.endToEndMs.p50 - floor.endToEndMs.p50) / floor.endToEndMs.p50) * 100),
        p99Percent: round(((bot.endToEndMs.p99 - floor.endToEndMs.p99) / floor.endToEndMs.p99) * 100),
      }
    : undefined;
  const floorMs = floorRoundTrips * delayMs;
  const above = (value: number) => round(((value - floorMs) / floorMs) * 100);
  return {
    floorRoundTrips,
    floorMs,
    botAboveFloorPercent: floorMs > 0 ? { p50: above(bot.endToEndMs.p50), p99: above(bot.endToEndMs.p99) } : undefined,
    botAboveFloorMs: {
      total: round(bot.endToEndMs.p50 - floorMs),
      upstreams: round(bot.upstreamOnPathMs.p50 - floorMs),
      bot: round(bot.ownTimeMs.p50),
    },
    baselineOverBot: {
      p50: round(baseline.endToEndMs.p50 / bot.endToEndMs.p50, 2),
      p99: round(baseline.endToEndMs.p99 / bot.endToEndMs.p99, 2),
    },
    botOverMeasuredFloor: over(measuredFloor),
    botOverOldFloor: over(oldFloor),
    botOverFloorRatio: delayMs > 0 ? round(bot.endToEndMs.p50 / (2 * delayMs), 2) : undefined,
    botOverOldFloorRatio: delayMs > 0 ? round(bot.endToEndMs.p50 / (3 * delayMs), 2) : undefined,
  };
}
