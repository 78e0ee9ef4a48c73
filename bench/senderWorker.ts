/**
 * The load generator's sending side, in a worker thread with its own event loop, so that the
 * stand-ins' work in the main thread does not delay sending commands or reading their
 * acknowledgements. It sends prepared (already signed) requests through one undici Agent with more
 * connections than commands in flight, and reports when each was sent and acknowledged, as absolute
 * times (performance.timeOrigin + now) that the main thread can compare with its own.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { Agent, request } from 'undici';

export interface SendBatch {
  id: number;
  url: string;
  timeoutMs: number;
  /** Open new connections for this batch (and close them after), rather than reuse idle ones. */
  freshConnections: boolean;
  requests: Array<{ key: string; body: string; headers: Record<string, string> }>;
}

export interface SendResult {
  key: string;
  sentAt: number;
  ackedAt: number | undefined;
  status: number | undefined;
  /** The acknowledgement's body when it carried one (an answer inside the ack). */
  body?: string;
  error: string | undefined;
}

const newAgent = () => new Agent({ connections: 4_096, pipelining: 1, keepAliveTimeout: 30_000 });
const agent = newAgent();
const now = () => performance.timeOrigin + performance.now();
// This thread's own event-loop delay over a batch: when it is high, the sender itself read the
// acknowledgements late (the machine's cores were busy), and its ack times overstate the target's.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
/** Whole 10 ms timer intervals are recorded; the delay is the excess, in ms. */
const loopDelay = (ns: number) => Math.round(Math.max(0, ns / 1e6 - 10) * 10) / 10;

export interface BatchReply {
  id: number;
  results: SendResult[];
  loopDelayMs: { p99: number; max: number };
}

async function send(batch: SendBatch, item: SendBatch['requests'][number], dispatcher: Agent): Promise<SendResult> {
  const sentAt = now();
  try {
    const response = await request(batch.url, {
      method: 'POST',
      headers: item.headers,
      body: item.body,
      dispatcher,
      signal: AbortSignal.timeout(batch.timeoutMs),
    });
    const body = await response.body.text();
    return { key: item.key, sentAt, ackedAt: now(), status: response.statusCode, ...(body ? { body } : {}), error: undefined };
  } catch (error) {
    return { key: item.key, sentAt, ackedAt: undefined, status: undefined, error: (error as Error).message };
  }
}

parentPort?.on('message', (message: SendBatch | 'close') => {
  if (message === 'close') {
    void agent.close().finally(() => parentPort?.close());
    return;
  }
  // Every request of a batch is started in this same turn of the event loop: all in flight at once.
  const dispatcher = message.freshConnections ? newAgent() : agent;
  loop.reset();
  void Promise.all(message.requests.map((item) => send(message, item, dispatcher))).then(async (results) => {
    const loopDelayMs = { p99: loopDelay(loop.percentile(99)), max: loopDelay(loop.max) };
    if (dispatcher !== agent) await dispatcher.close();
    const reply: BatchReply = { id: message.id, results, loopDelayMs };
    parentPort?.postMessage(reply);
  });
});
