/**
 * What the sandbox's workspace shows: the messages in each conversation (with their threads), the
 * Home tab, and the agent surface of the bot's Messages tab (a thread's status while the bot works,
 * streamed answers as they grow, the suggested prompts, an open modal), built from what the bot
 * sent to the Slack stand-in (Web API calls and response_url posts) plus what the sandbox user
 * typed. The stand-in's records only grow, so each `sync()` reads the new ones.
 */
import type { RecordedCall, RecordedResponse, SlackApiStandin } from '../test/standins/slackApi.ts';

export interface Message {
  id: string;
  channel: string;
  ts: string;
  from: 'user' | 'bot' | 'sandbox';
  text: string;
  blocks?: unknown[];
  /** Only visible to the sandbox user (postEphemeral, or a response_url answer not made public). */
  ephemeral: boolean;
  /** Replaced in place since it was first posted. */
  edited: boolean;
  /** The thread it is a reply in (its root's ts); none for a message at the top. */
  threadTs?: string;
  /** A streamed answer (chat.startStream): its chunks in the order they came; `blocks` come on stop. */
  stream?: { state: 'streaming' | 'stopped'; chunks: unknown[] };
}

/** assistant.threads.setStatus: shown in its thread until the bot replies there or clears it. */
export interface ThreadStatus { channel: string; threadTs: string; status: string; loadingMessages: string[] }

export interface SuggestedPrompts { title?: string; prompts: Array<{ title: string; message: string }> }

/** A modal the bot opened with views.open; `revision` counts the views it has shown since. */
export interface OpenModal { id: string; view: Record<string, unknown>; revision: number }

/** Where a response_url answer goes: the conversation, and the message it may replace. */
export interface ResponseOrigin { channel: string; messageId?: string; threadTs?: string }

export class Workspace {
  readonly messages: Message[] = [];
  home: { blocks: unknown[] } | undefined;
  statuses: ThreadStatus[] = [];
  /** By channel: what assistant.threads.setSuggestedPrompts set last. */
  readonly prompts: Record<string, SuggestedPrompts> = {};
  modal: OpenModal | undefined;
  private readonly origins = new Map<string, ResponseOrigin>();
  private callsSeen = 0;
  private responsesSeen = 0;
  private ids = 0;
  private readonly slack: SlackApiStandin;

  /** Shows what reaches `slack` from now on. */
  constructor(slack: SlackApiStandin) {
    this.slack = slack;
    this.callsSeen = slack.history.length;
    this.responsesSeen = slack.responses.length;
  }

  /** A response_url for something the user did here; answers to it land in `origin`. */
  responseUrl(origin: ResponseOrigin): string {
    const id = `sandbox-${++this.ids}`;
    this.origins.set(`/response/${id}`, origin);
    return this.slack.responseUrl(id);
  }

  add(message: Omit<Message, 'id' | 'ts' | 'edited'> & { ts?: string }): Message {
    const full: Message = { ts: this.nextTs(), ...message, id: `m${++this.ids}`, edited: false };
    this.messages.push(full);
    return full;
  }

  /** The modal closed (submitted and accepted, or cancelled). */
  closeModal(id: string): void {
    if (this.modal?.id === id) this.modal = undefined;
  }

  /** A submission answered with `response_action: update`: the modal stays open with this view. */
  replaceModalView(id: string, view: Record<string, unknown>): void {
    if (this.modal?.id === id) this.modal = { id, view, revision: this.modal.revision + 1 };
  }

  find(id: string): Message | undefined {
    return this.messages.find((message) => message.id === id);
  }

  /** Takes in what reached the stand-in since the last call. */
  sync(): void {
    const calls = this.slack.history.slice(this.callsSeen);
    this.callsSeen += calls.length;
    for (const call of calls) this.applyCall(call);
    const responses = this.slack.responses.slice(this.responsesSeen);
    this.responsesSeen += responses.length;
    for (const response of responses) this.applyResponse(response);
  }

  /** An answer a command got inside its acknowledgement, shown as Slack shows it. */
  applyAnswer(body: unknown, origin: ResponseOrigin): void {
    this.applyResponseBody(body, origin);
  }

  private applyCall(call: RecordedCall): void {
    const answer = call.answer as { ok?: boolean; ts?: string; message_ts?: string } | undefined;
    if (call.status !== 200 || answer?.ok !== true) return;
    const body = call.body;
    const channel = String(body.channel ?? body.channel_id ?? '');
    const thread = typeof body.thread_ts === 'string' && body.thread_ts ? { threadTs: body.thread_ts } : {};
    const content = { text: String(body.text ?? ''), ...(Array.isArray(body.blocks) ? { blocks: body.blocks as unknown[] } : {}) };
    switch (call.method) {
      case 'chat.postMessage':
        this.clearStatus(channel, thread.threadTs);
        this.add({ channel, ts: String(answer.ts), from: 'bot', ephemeral: false, ...thread, ...content });
        break;
      case 'chat.postEphemeral':
        this.add({ channel, ts: String(answer.message_ts), from: 'bot', ephemeral: true, ...thread, ...content });
        break;
      case 'chat.update': {
        const target = this.messages.find((m) => m.channel === channel && m.ts === String(body.ts));
        if (target) replace(target, content);
        break;
      }
      case 'chat.startStream':
        // Slack takes the status away once the answer starts in the thread.
        this.clearStatus(channel, thread.threadTs);
        this.add({ channel, ts: String(answer.ts), from: 'bot', ephemeral: false, text: '', ...thread, stream: { state: 'streaming', chunks: chunksOf(body) } });
        break;
      case 'chat.appendStream':
      case 'chat.stopStream': {
        const target = this.messages.find((m) => m.channel === channel && m.ts === String(body.ts) && m.stream);
        if (!target?.stream) break;
        target.stream.chunks.push(...chunksOf(body));
        if (call.method === 'chat.stopStream') {
          target.stream.state = 'stopped';
          if (Array.isArray(body.blocks)) target.blocks = body.blocks as unknown[];
        }
        break;
      }
      case 'assistant.threads.setStatus': {
        const threadTs = String(body.thread_ts ?? '');
        this.clearStatus(channel, threadTs);
        const status = String(body.status ?? '');
        const loadingMessages = Array.isArray(body.loading_messages) ? body.loading_messages.map(String) : [];
        if (status) this.statuses.push({ channel, threadTs, status, loadingMessages });
        break;
      }
      case 'assistant.threads.setSuggestedPrompts': {
        const prompts = Array.isArray(body.prompts) ? (body.prompts as SuggestedPrompts['prompts']) : [];
        this.prompts[channel] = { ...(typeof body.title === 'string' ? { title: body.title } : {}), prompts };
        break;
      }
      case 'views.open': {
        const opened = (call.answer as { view?: { id?: string } }).view;
        this.modal = { id: String(opened?.id ?? ''), view: body.view as Record<string, unknown>, revision: 0 };
        break;
      }
      case 'views.publish': {
        const view = body.view as { blocks?: unknown[] } | undefined;
        this.home = { blocks: view?.blocks ?? [] };
        break;
      }
    }
  }

  private clearStatus(channel: string, threadTs: string | undefined): void {
    if (threadTs) this.statuses = this.statuses.filter((s) => !(s.channel === channel && s.threadTs === threadTs));
  }

  private applyResponse(response: RecordedResponse): void {
    const origin = this.origins.get(response.path);
    if (!origin || response.status !== 200) return;
    this.applyResponseBody(response.body, origin);
  }

  private applyResponseBody(raw: unknown, origin: ResponseOrigin): void {
    if (!raw || typeof raw !== 'object') return;
    const body = raw as { text?: string; blocks?: unknown[]; response_type?: string; replace_original?: boolean | string; delete_original?: boolean | string };
    const original = origin.messageId ? this.find(origin.messageId) : undefined;
    if (original && isTrue(body.delete_original)) {
      this.messages.splice(this.messages.indexOf(original), 1);
      return;
    }
    const content = { text: body.text ?? '', ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}) };
    if (!content.text && !content.blocks) return;
    if (original && isTrue(body.replace_original)) {
      replace(original, content);
      return;
    }
    this.add({ channel: origin.channel, from: 'bot', ephemeral: body.response_type !== 'in_channel', ...(origin.threadTs ? { threadTs: origin.threadTs } : {}), ...content });
  }

  private nextTs(): string {
    // A suffix the Slack stand-in never uses (its own count from 000001), so a ts names one message.
    return `${Math.floor(Date.now() / 1000)}.9${String(++this.ids).padStart(5, "0")}`;
  }
}

/** A stream call's words and chunks, in the order Slack shows them: `markdown_text` first. */
function chunksOf(body: Record<string, unknown>): unknown[] {
  const text = typeof body.markdown_text === 'string' && body.markdown_text ? [{ type: 'markdown_text', text: body.markdown_text }] : [];
  return [...text, ...(Array.isArray(body.chunks) ? body.chunks : [])];
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function replace(target: Message, content: { text: string; blocks?: unknown[] }): void {
  target.text = content.text;
  // chat.update replaces a streamed answer whole: its tasks and words go with it.
  delete target.stream;
  if (content.blocks) target.blocks = content.blocks;
  else delete target.blocks;
  target.edited = true;
}
