/**
 * What the sandbox's workspace shows: the messages in each conversation and the Home tab, built from
 * what the bot sent to the Slack stand-in (Web API calls and response_url posts) plus what the
 * sandbox user typed. The stand-in's records only grow, so each `sync()` reads the new ones.
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
}

/** Where a response_url answer goes: the conversation, and the message it may replace. */
export interface ResponseOrigin { channel: string; messageId?: string }

export class Workspace {
  readonly messages: Message[] = [];
  home: { blocks: unknown[] } | undefined;
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
    const content = { text: String(body.text ?? ''), ...(Array.isArray(body.blocks) ? { blocks: body.blocks as unknown[] } : {}) };
    if (call.method === 'chat.postMessage') {
      this.add({ channel: String(body.channel), ts: String(answer.ts), from: 'bot', ephemeral: false, ...content });
    } else if (call.method === 'chat.postEphemeral') {
      this.add({ channel: String(body.channel), ts: String(answer.message_ts), from: 'bot', ephemeral: true, ...content });
    } else if (call.method === 'chat.update') {
      const target = this.messages.find((m) => m.channel === String(body.channel) && m.ts === String(body.ts));
      if (target) replace(target, content);
    } else if (call.method === 'views.publish') {
      const view = body.view as { blocks?: unknown[] } | undefined;
      this.home = { blocks: view?.blocks ?? [] };
    }
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
    this.add({ channel: origin.channel, from: 'bot', ephemeral: body.response_type !== 'in_channel', ...content });
  }

  private nextTs(): string {
    // A suffix the Slack stand-in never uses (its own count from 000001), so a ts names one message.
    return `${Math.floor(Date.now() / 1000)}.9${String(++this.ids).padStart(5, "0")}`;
  }
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function replace(target: Message, content: { text: string; blocks?: unknown[] }): void {
  target.text = content.text;
  if (content.blocks) target.blocks = content.blocks;
  else delete target.blocks;
  target.edited = true;
}
