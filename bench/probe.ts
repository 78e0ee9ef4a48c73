/**
 * Loaded into the bot's process with `node --import <probe.mjs> dist/main.js` (built from this file by bench/targets.ts), so the bot's code
 * stays untouched. It measures, per window: event-loop delay (how long ready work waited: blocking
 * work shows here), and the bot's own view of each Slack request (diagnostics_channel): from the TCP
 * accept (new connections) or the request's headers to the HTTP answer (the ack). It answers the bench over the IPC
 * channel, exits if the bench goes away, and adds nothing else to the bot.
 *
 * Messages: `{type: 'mark'}` starts a new window; `{type: 'read'}` answers with the window's
 * figures, the process's CPU time (process.cpuUsage, all threads) and memory;
 * `{type: 'read', collect: true}` first runs a full GC when the process has --expose-gc.
 */
import dc from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import process from 'node:process';

export interface ProbeReading {
  type: 'reading';
  /** Event-loop delay in this window, ms: how late a 10 ms timer fired (its interval minus 10 ms). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Slack requests answered in this window, as the bot saw them (ms, nearest-rank percentiles). */
  slackRequests: {
    count: number;
    /** From the request's headers arriving to its answer being sent. */
    handleMs: { p50: number; p99: number };
    /**
     * From the request reaching the bot to its answer: from the TCP accept for the first request on
     * a new connection (so the time a busy bot took to accept and read it counts), else from its headers.
     */
    fromArrivalMs: { p50: number; p99: number };
  };
  cpuUserUs: number;
  cpuSystemUs: number;
  /** process.memoryUsage(), MiB: the JS heap, and memory outside it (e.g. WebAssembly, buffers). */
  memoryMiB: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
}

if (process.send) {
  const RESOLUTION_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // The histogram holds whole timer intervals (about 10 ms when idle); the delay is the excess.
  const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100);

  const acceptedAt = new WeakMap<Socket, number>();
  const started = new WeakMap<ServerResponse, { at: number; socket: Socket }>();
  let handled: number[] = [];
  let fromArrival: number[] = [];
  dc.subscribe('net.server.socket', (message) => {
    acceptedAt.set((message as { socket: Socket }).socket, performance.now());
  });
  dc.subscribe('http.server.request.start', (message) => {
    const { request, response, socket } = message as { request: IncomingMessage; response: ServerResponse; socket: Socket };
    if (request.url?.startsWith('/slack/')) started.set(response, { at: performance.now(), socket });
  });
  dc.subscribe('http.server.response.finish', (message) => {
    const { response } = message as { response: ServerResponse };
    const start = started.get(response);
    if (!start) return;
    const now = performance.now();
    handled.push(now - start.at);
    const accepted = acceptedAt.get(start.socket);
    acceptedAt.delete(start.socket);
    fromArrival.push(now - (accepted ?? start.at));
  });
  const percentiles = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
    return { p50: Math.round(at(50) * 10) / 10, p99: Math.round(at(99) * 10) / 10 };
  };

  process.on('message', (message: { type?: string; id?: number; collect?: boolean }) => {
    if (message?.type === 'mark') {
      histogram.reset();
      handled = [];
      fromArrival = [];
      process.send?.({ type: 'marked', id: message.id });
    } else if (message?.type === 'read') {
      // With --expose-gc, `collect` measures what is retained rather than what is not yet collected.
      if (message.collect) (globalThis as { gc?: () => void }).gc?.();
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      const mib = (bytes: number) => Math.round(bytes / 104_857.6) / 10;
      const reading: ProbeReading & { id?: number } = {
        type: 'reading',
        id: message.id,
        eventLoopDelayMs: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) },
        slackRequests: { count: handled.length, handleMs: percentiles(handled), fromArrivalMs: percentiles(fromArrival) },
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        memoryMiB: {
          rss: mib(memory.rss),
          heapUsed: mib(memory.heapUsed),
          heapTotal: mib(memory.heapTotal),
          external: mib(memory.external),
          arrayBuffers: mib(memory.arrayBuffers),
        },
      };
      process.send?.(reading);
    }
  });
  // The channel must not keep the bot alive: it exits on SIGTERM as it would in production. But if
  // the bench itself dies (killed, or crashed before its cleanup), the channel closes: leave too,
  // rather than live on as an orphan holding a port and half a gigabyte.
  process.channel?.unref();
  process.once('disconnect', () => process.exit(0));
}
