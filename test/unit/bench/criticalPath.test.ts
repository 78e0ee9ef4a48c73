/** The bench's reading of a command's upstream traffic: which requests were on its critical path, and its comparison figures. */
import { describe, expect, it } from 'vitest';
import { compareLatency, type LatencyResult } from '../../../bench/latency.ts';
import { summarize } from '../../../bench/stats.ts';
import { criticalPath, type UpstreamRequest } from '../../../bench/trace.ts';

const req = (label: string, start: number, end: number, service: UpstreamRequest['service'] = 'gmail'): UpstreamRequest => ({ service, label, start, end });

describe('criticalPath', () => {
  it('follows requests that each started after the previous one was answered', () => {
    const list = req('GET list', 3, 44);
    const batch = req('POST batch', 46, 88);
    const post = req('POST /response/c1', 92, 133, 'slack');
    const path = criticalPath([post, list, batch]);
    expect(path.roundTrips).toBe(3);
    expect(path.chain.map((r) => r.label)).toEqual(['GET list', 'POST batch', 'POST /response/c1']);
    expect(path.upstreamMs).toBe(41 + 42 + 41);
  });

  it('counts requests in flight together as one link, and takes the longer of them', () => {
    const list = req('GET list', 0, 40);
    const getA = req('GET a', 41, 81);
    const getB = req('GET b', 41, 85);
    const post = req('POST /response/c1', 86, 126, 'slack');
    const path = criticalPath([list, getA, getB, post]);
    expect(path.roundTrips).toBe(3);
    expect(path.chain.map((r) => r.label)).toEqual(['GET list', 'GET b', 'POST /response/c1']);
  });

  it('is empty when nothing went upstream', () => {
    expect(criticalPath([])).toEqual({ roundTrips: 0, upstreamMs: 0, chain: [] });
  });
});

function result(target: string, endToEnd: number[]): LatencyResult {
  const summary = summarize(endToEnd);
  return {
    target,
    samples: endToEnd.length,
    errors: 0,
    firstError: undefined,
    endToEndMs: summary,
    ackMs: summarize([3]),
    roundTrips: { usual: 3, min: 3, max: 3 },
    upstreamOnPathMs: summarize(endToEnd.map((ms) => ms - 5)),
    ownTimeMs: summarize([5]),
    ownTimeSplitMs: { beforeFirstCall: 2, betweenCalls: 3 },
    requestsPerCommand: { scalekit: 0, gmail: 2, slack: 1 },
    eventLoopDelayMs: undefined,
    memory: { peakMiB: 1, rssMiB: 1 },
  };
}

describe('compareLatency', () => {
  it('puts the bot next to the theoretical floor, the measured floor program and the baseline', () => {
    const comparison = compareLatency([result('bot', [88, 88, 96]), result('floor', [84, 84, 95]), result('floor3', [128, 128, 139]), result('baseline', [220, 220, 240])], 40);
    expect(comparison?.floorRoundTrips).toBe(2);
    expect(comparison?.floorMs).toBe(80);
    expect(comparison?.botAboveFloorPercent).toEqual({ p50: 10, p99: 20 });
    expect(comparison?.botOverMeasuredFloor).toEqual({ p50Ms: 4, p99Ms: 1, p50Percent: 4.8, p99Percent: 1.1 });
    expect(comparison?.botOverOldFloor).toMatchObject({ p50Ms: -40, p99Ms: -43 });
    expect(comparison?.botOverFloorRatio).toBe(1.1);
    expect(comparison?.botOverOldFloorRatio).toBe(0.73);
    expect(comparison?.baselineOverBot).toEqual({ p50: 2.5, p99: 2.5 });
  });

  it('leaves the measured floor out when the floor program did not run', () => {
    expect(compareLatency([result('bot', [132]), result('baseline', [330])], 40)?.botOverMeasuredFloor).toBeUndefined();
  });
});
