/**
 * One answer in an agent conversation (a thread of the user's Messages tab), as Slack's agent
 * surface shows it: a status with loading messages while nothing is written yet
 * (assistant.threads.setStatus), the session marked as working (agents.sessions.setStatus), then the
 * answer streamed through web-api's ChatStreamer (chat.startStream / appendStream / stopStream) with
 * one `task_update` chunk per step, and closed with the result's blocks and feedback buttons.
 *
 * The status and session calls are decoration: when Slack refuses them (an app not yet declared an
 * agent, a workspace without the feature) the answer still comes. The stream is the answer: when
 * Slack has expired it (about five minutes), the message is finished with chat.update instead.
 */
import type { AnyChunk, KnownBlock, TaskUpdateChunk } from '@slack/types';
import type { ChatStreamer, WebClient } from '@slack/web-api';
import type { SlackUser } from '../../core/slackUser.ts';
import type { Logger } from '../../infrastructure/logger.ts';

export interface AgentThread {
  /** The user's DM with the bot (the Messages tab): mail content is shown nowhere else. */
  channel: string;
  threadTs: string;
  user: SlackUser;
}

export type TaskStatus = TaskUpdateChunk['status'];

/** Slack renders at most 50 blocks under a stopped stream. */
const MAX_STOP_BLOCKS = 50;
/** Errors Slack answers once it no longer holds the message as a stream. */
const STREAM_GONE = new Set(['message_not_in_streaming_state', 'message_not_found', 'streaming_state_conflict']);

export class AgentStream {
  private readonly client: WebClient;
  private readonly thread: AgentThread;
  private readonly logger: Logger;
  private readonly streamer: ChatStreamer;
  private finished = false;
  /** The answer's words streamed so far: a chat.update fallback must carry them, the stream's chunks are lost with it. */
  private written = '';
  /** Tasks shown and not yet complete, to mark as stopped. */
  private readonly openTasks = new Map<string, string>();

  constructor(client: WebClient, thread: AgentThread, logger: Logger) {
    this.client = client;
    this.thread = thread;
    this.logger = logger;
    this.streamer = client.chatStream({
      channel: thread.channel,
      thread_ts: thread.threadTs,
      recipient_team_id: thread.user.teamId || thread.user.enterpriseId,
      recipient_user_id: thread.user.userId,
    });
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** The message's ts once Slack has started it. */
  get ts(): string | undefined {
    return this.streamer.ts;
  }

  /** "Working on it" in the thread and on the session (its Stop button), before anything is written. */
  async working(status: string, loadingMessages: string[]): Promise<void> {
    const { channel, threadTs, user } = this.thread;
    await Promise.all([
      this.decorate('assistant.threads.setStatus', () =>
        this.client.assistant.threads.setStatus({ channel_id: channel, thread_ts: threadTs, status, loading_messages: loadingMessages.slice(0, 10) }),
      ),
      this.decorate('agents.sessions.setStatus', () =>
        this.client.agents.sessions.setStatus({ channel_id: channel, thread_ts: threadTs, status: 'processing', initiator_user_id: user.userId }),
      ),
    ]);
  }

  /** Shows (or updates, by id) one step of the work. */
  async task(id: string, title: string, status: TaskStatus): Promise<void> {
    if (status === 'in_progress' || status === 'pending') this.openTasks.set(id, title);
    else this.openTasks.delete(id);
    await this.append([{ type: 'task_update', id, title, status }]);
  }

  /** Plain words of the answer, streamed as Markdown. */
  async write(markdown: string): Promise<void> {
    this.written += markdown;
    await this.append([{ type: 'markdown_text', text: markdown }]);
  }

  /**
   * Closes the answer with `blocks` (the result, then the feedback buttons) and the session back to
   * active. When the stream has expired on Slack's side, the message is rewritten with chat.update.
   */
  async finish(message: { text: string; blocks: KnownBlock[] }, options: { markdown?: string; sessionStatus?: 'active' | 'suspended' } = {}): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const blocks = message.blocks.length > MAX_STOP_BLOCKS ? [...message.blocks.slice(0, MAX_STOP_BLOCKS - 1), message.blocks.at(-1)!] : message.blocks;
    try {
      await this.streamer.stop({
        ...(options.markdown ? { markdown_text: options.markdown } : {}),
        blocks,
        session_status: options.sessionStatus ?? 'active',
      });
    } catch (error) {
      if (!this.streamer.ts || !STREAM_GONE.has(slackError(error) ?? '')) throw error;
      this.logger.info({ error: slackError(error) }, 'the answer outlived its stream; finishing it with chat.update');
      const words = this.written + (options.markdown ?? '');
      const room = MAX_STOP_BLOCKS - 1;
      const kept = !words ? blocks : [markdownBlock(words), ...(blocks.length > room ? [...blocks.slice(0, room - 1), blocks.at(-1)!] : blocks)];
      await this.client.chat.update({ channel: this.thread.channel, ts: this.streamer.ts, text: message.text, blocks: kept });
      await this.decorate('agents.sessions.setStatus', () =>
        this.client.agents.sessions.setStatus({ channel_id: this.thread.channel, thread_ts: this.thread.threadTs, status: options.sessionStatus ?? 'active' }),
      );
    }
  }

  /**
   * Closes the answer with a line saying it was stopped (Slack's Stop button), its open steps marked
   * as not done, and the session back to active. Later steps and results of the run are dropped.
   */
  async stop(line: string): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const open: AnyChunk[] = [...this.openTasks].map(([id, title]) => ({ type: 'task_update', id, title, status: 'error' }));
    this.openTasks.clear();
    try {
      await this.streamer.stop({ markdown_text: line, ...(open.length > 0 ? { chunks: open } : {}), session_status: 'active' });
    } catch (error) {
      if (!this.streamer.ts || !STREAM_GONE.has(slackError(error) ?? '')) throw error;
      const blocks = this.written ? [markdownBlock(this.written), markdownBlock(line)] : undefined;
      await this.client.chat.update({ channel: this.thread.channel, ts: this.streamer.ts, text: line, ...(blocks ? { blocks } : {}) });
    }
  }

  private async append(chunks: AnyChunk[]): Promise<void> {
    if (this.finished) return;
    try {
      await this.streamer.append({ chunks });
    } catch (error) {
      // An expired stream takes no more steps; the final chat.update still shows the answer.
      if (!this.streamer.ts || !STREAM_GONE.has(slackError(error) ?? '')) throw error;
      this.logger.info({ error: slackError(error) }, 'the stream expired; the answer will replace the message');
    }
  }

  private async decorate(method: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.logger.info({ method, error: slackError(error) ?? String(error) }, 'Slack refused an agent status call; answering anyway');
    }
  }
}

/** Slack's `markdown` block holds at most 12,000 characters. */
const MARKDOWN_BLOCK_MAX = 12_000;

/** Streamed words as a `markdown` block: rendered as the stream rendered them (standard Markdown). */
function markdownBlock(text: string): KnownBlock {
  return { type: 'markdown', text: text.slice(0, MARKDOWN_BLOCK_MAX) };
}

/** The `error` of a Slack platform error (web-api's `slack_webapi_platform_error`). */
export function slackError(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}
