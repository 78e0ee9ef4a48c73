/**
 * The load generator: `/unread` slash commands signed as Slack signs them (the signing helper from
 * test/helpers), each timed twice: acknowledgement (the HTTP 200 of the command request) and
 * completion (the Slack stand-in answering the response_url post, seen through the trace). The
 * requests themselves leave from a worker thread (senderWorker.ts), so the stand-ins' work in this
 * thread cannot delay them or their acknowledgements.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { SlackApiStandin } from '../test/standins/slackApi.ts';
import { signSlackRequest } from '../test/helpers/slackRequests.ts';
import type { BatchReply, SendBatch } from './senderWorker.ts';
import { SIGNING_SECRET, TEAM } from './upstreams.ts';
import type { UpstreamTrace } from './trace.ts';

export interface CommandOutcome {
  userId: string;
  /** performance.now() (this thread) when the request was sent and when the answer was posted (if it was). */
  sentAt: number;
  completedAt: number | undefined;
  ackMs: number | undefined;
  completeMs: number | undefined;
  /** The answer carried the unread summary (blocks), not an error message. */
  ok: boolean;
  error: string | undefined;
}

export interface PreparedCommand {
  userId: string;
  /** The response_url path, e.g. /response/c12: how its answer is recognised. */
  path: string;
  body: string;
  headers: Record<string, string>;
}

export class SlashCommands {
  private readonly worker: Worker;
  private readonly batches = new Map<number, (reply: Omit<BatchReply, 'id'>) => void>();
  private readonly waiting = new Map<string, (at: number) => void>();
  private readonly slack: SlackApiStandin;
  private readonly stopWatching: () => void;
  private counter = 0;
  private batchCounter = 0;

  constructor(slack: SlackApiStandin, trace: UpstreamTrace) {
    this.slack = slack;
    this.worker = new Worker(new URL('./senderWorker.ts', import.meta.url));
    this.worker.on('message', ({ id, ...reply }: BatchReply) => {
      this.batches.get(id)?.(reply);
      this.batches.delete(id);
    });
    this.worker.on('error', (error) => {
      for (const resolve of this.batches.values()) resolve({ results: [], loopDelayMs: { p99: Number.NaN, max: Number.NaN } });
      this.batches.clear();
      process.stderr.write(`[bench] load generator worker failed: ${error.message}\n`);
    });
    this.stopWatching = trace.onFinish((upstream) => {
      if (upstream.service !== 'slack' || !upstream.label.startsWith('POST /response/')) return;
      this.waiting.get(upstream.label.slice('POST '.length))?.(upstream.end);
    });
  }

  /** Builds and signs a command ahead of time, so a burst can be sent without signing in between. */
  prepare(userId: string): PreparedCommand {
    const id = `c${++this.counter}`;
    const responseUrl = this.slack.responseUrl(id);
    const body = new URLSearchParams({
      token: 'legacy-verification-token',
      team_id: TEAM,
      team_domain: 'bench',
      channel_id: 'C0BENCH',
      channel_name: 'general',
      user_id: userId,
      user_name: userId.toLowerCase(),
      command: '/unread',
      text: '',
      api_app_id: 'A0BENCH',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: `${Date.now()}.${id}`,
    }).toString();
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signSlackRequest(SIGNING_SECRET, body),
    };
    return { userId, path: new URL(responseUrl).pathname, body, headers };
  }

  /** Sends one prepared command to the target and waits for its answer on the response_url. */
  async send(targetUrl: string, command: PreparedCommand, timeoutMs = 60_000): Promise<CommandOutcome> {
    const [outcome] = await this.sendAll(targetUrl, [command], { timeoutMs });
    return outcome!;
  }

  /**
   * Sends all the commands at once (every request in flight together) and waits for every answer.
   * `freshConnections`: each request on a new connection, as from many senders, not reused ones.
   */
  async sendAll(
    targetUrl: string,
    commands: readonly PreparedCommand[],
    options: { timeoutMs?: number; freshConnections?: boolean } = {},
  ): Promise<CommandOutcome[]> {
    return (await this.sendBurst(targetUrl, commands, options)).outcomes;
  }

  /** As sendAll, with the sender thread's own event-loop delay over the burst (see senderWorker.ts). */
  async sendBurst(
    targetUrl: string,
    commands: readonly PreparedCommand[],
    { timeoutMs = 60_000, freshConnections = false }: { timeoutMs?: number; freshConnections?: boolean } = {},
  ): Promise<{ outcomes: CommandOutcome[]; senderLoopDelayMs: BatchReply['loopDelayMs'] }> {
    const completions = new Map<string, number>();
    const completed = commands.map(
      (command) =>
        new Promise<void>((resolve) => {
          this.waiting.set(command.path, (at) => {
            completions.set(command.path, at);
            resolve();
          });
        }),
    );
    const id = ++this.batchCounter;
    const acked = new Promise<Omit<BatchReply, 'id'>>((resolve) => this.batches.set(id, resolve));
    const batch: SendBatch = {
      id,
      url: `${targetUrl}/slack/events`,
      timeoutMs,
      freshConnections,
      requests: commands.map((command) => ({ key: command.path, body: command.body, headers: command.headers })),
    };
    const started = performance.now();
    this.worker.postMessage(batch);
    const reply = await acked;
    const results = new Map(reply.results.map((result) => [result.key, result]));
    // An answer inside the acknowledgement completes the command when the ack arrived.
    const inline = new Map<string, { blocks?: unknown; text?: unknown }>();
    for (const result of reply.results) {
      const answer = result.body ? parseAnswer(result.body) : undefined;
      if (!answer || result.ackedAt === undefined) continue;
      inline.set(result.key, answer);
      this.waiting.get(result.key)?.(result.ackedAt - performance.timeOrigin);
    }
    const deadline = Math.max(0, timeoutMs - (performance.now() - started));
    await Promise.race([Promise.all(completed), sleep(deadline)]);

    // The worker's absolute times, on this thread's performance.now() scale.
    const local = (absolute: number) => absolute - performance.timeOrigin;
    const outcomes = commands.map((command) => {
      this.waiting.delete(command.path);
      const result = results.get(command.path);
      const sentAt = result ? local(result.sentAt) : started;
      const completedAt = completions.get(command.path);
      const outcome: CommandOutcome = {
        userId: command.userId,
        sentAt,
        completedAt,
        ackMs: result?.ackedAt === undefined ? undefined : result.ackedAt - result.sentAt,
        completeMs: completedAt === undefined ? undefined : completedAt - sentAt,
        ok: false,
        error: undefined,
      };
      if (!result) outcome.error = 'the load generator did not report this request';
      else if (result.error) outcome.error = `command request failed: ${result.error}`;
      else if (result.status !== 200) outcome.error = `acknowledged with HTTP ${result.status}`;
      else if (completedAt === undefined) outcome.error = `no response_url post within ${timeoutMs} ms`;
      else {
        const answer = inline.get(command.path) ?? this.answerPostedTo(command.path);
        outcome.ok = Array.isArray(answer?.blocks) && answer.blocks.length > 0;
        if (!outcome.ok) outcome.error = `answered without a summary: ${String(answer?.text ?? '').slice(0, 120)}`;
      }
      return outcome;
    });
    return { outcomes, senderLoopDelayMs: reply.loopDelayMs };
  }

  async close(): Promise<void> {
    this.stopWatching();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    await Promise.race([exited, sleep(2_000)]);
    await this.worker.terminate();
  }

  /** The body of the post to `path`; searched from the newest, where it almost always is. */
  private answerPostedTo(path: string): { blocks?: unknown; text?: unknown } | undefined {
    const responses = this.slack.responses;
    for (let i = responses.length - 1; i >= 0; i--) {
      if (responses[i]!.path === path) return responses[i]!.body as { blocks?: unknown; text?: unknown };
    }
    return undefined;
  }
}

function parseAnswer(body: string): { blocks?: unknown; text?: unknown } | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as { blocks?: unknown; text?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `task` over `items` with at most `concurrency` at once; results in input order. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
