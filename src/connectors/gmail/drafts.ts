/**
 * Gmail drafts for replies (scope gmail.compose): what a reply needs from the original (its thread,
 * whom to answer, its Message-ID and References), then users.drafts create / update / send / delete. The
 * message itself is built by replyMime.ts. Reading the original is retried like the other reads;
 * creating and sending are not (a retried create would leave a second draft, a retried send could
 * send twice). A grant without gmail.compose is reported as unauthorized, so the user is asked to
 * reconnect once, with the purpose saying why.
 */
import type { Dispatcher } from 'undici';
import { UpstreamUnauthorizedError } from '../../core/errors.ts';
import { retry } from '../../infrastructure/http/retry.ts';
import { isScopeRefusal } from '../google/googleFailures.ts';
import { DEFAULT_GMAIL_RETRY } from './gmailClient.ts';
import { failureFor, finalError, retryVerdict } from './gmailErrors.ts';
import { gmailRequest } from './gmailRequest.ts';

export interface ReplyContext {
  threadId: string;
  /** Whom a reply goes to: Reply-To when the original has one, else From. */
  to: string;
  subject: string;
  /** The original's Message-ID, for In-Reply-To and References. */
  messageIdHeader: string | undefined;
  /** The original's References, oldest first. */
  references: string[];
}

export interface GmailDraftsApi {
  replyContext(accessToken: string, messageId: string): Promise<ReplyContext>;
  createDraft(accessToken: string, draft: { raw: string; threadId: string }): Promise<{ draftId: string }>;
  /** users.drafts.update: the draft's message replaced, in the same thread. */
  updateDraft(accessToken: string, draftId: string, draft: { raw: string; threadId: string }): Promise<void>;
  sendDraft(accessToken: string, draftId: string): Promise<{ messageId: string }>;
  deleteDraft(accessToken: string, draftId: string): Promise<void>;
}

const ID = /^[A-Za-z0-9_-]{1,256}$/;
const HEADERS = ['Message-ID', 'References', 'Subject', 'From', 'Reply-To'];

export class GmailDraftsClient implements GmailDraftsApi {
  private readonly base: string;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly timeoutMs: number;

  constructor(options: { baseUrl: string; dispatcher?: Dispatcher; requestTimeoutMs?: number }) {
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/gmail/v1/users/me`;
    this.dispatcher = options.dispatcher;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  async replyContext(accessToken: string, messageId: string): Promise<ReplyContext> {
    checkId(messageId);
    const query = new URLSearchParams({ format: 'metadata' });
    for (const name of HEADERS) query.append('metadataHeaders', name);
    const body = await this.withRetries(() => this.call('reading the email to reply to', accessToken, 'GET', `/messages/${messageId}?${query}`));
    const message = body as { threadId?: unknown; payload?: { headers?: Array<{ name?: unknown; value?: unknown }> } };
    const header = (name: string) =>
      message.payload?.headers?.find((h) => typeof h.name === 'string' && h.name.toLowerCase() === name.toLowerCase())?.value;
    const text = (name: string) => {
      const value = header(name);
      return typeof value === 'string' ? value : undefined;
    };
    const to = text('Reply-To') ?? text('From');
    if (typeof message.threadId !== 'string' || !to) throw finalError(new Error('the email to reply to has no thread or sender'));
    return {
      threadId: message.threadId,
      to,
      subject: text('Subject') ?? '',
      messageIdHeader: text('Message-ID'),
      references: (text('References') ?? '').split(/\s+/).filter((ref) => /^<[^<>\s]+>$/.test(ref)),
    };
  }

  async createDraft(accessToken: string, draft: { raw: string; threadId: string }): Promise<{ draftId: string }> {
    const body = await this.call('creating the draft', accessToken, 'POST', '/drafts', { message: { raw: draft.raw, threadId: draft.threadId } });
    const id = (body as { id?: unknown }).id;
    if (typeof id !== 'string') throw finalError(new Error('Gmail answered a draft without an id'));
    return { draftId: id };
  }

  async updateDraft(accessToken: string, draftId: string, draft: { raw: string; threadId: string }): Promise<void> {
    checkId(draftId);
    await this.call('changing the draft', accessToken, 'PUT', `/drafts/${draftId}`, { id: draftId, message: { raw: draft.raw, threadId: draft.threadId } });
  }

  async sendDraft(accessToken: string, draftId: string): Promise<{ messageId: string }> {
    checkId(draftId);
    const body = await this.call('sending the draft', accessToken, 'POST', '/drafts/send', { id: draftId });
    return { messageId: String((body as { id?: unknown }).id ?? '') };
  }

  async deleteDraft(accessToken: string, draftId: string): Promise<void> {
    checkId(draftId);
    await this.withRetries(() => this.call('discarding the draft', accessToken, 'DELETE', `/drafts/${draftId}`));
  }

  private async call(step: string, token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, json?: unknown): Promise<unknown> {
    const { status, text, retryAfter } = await gmailRequest(step, `${this.base}${path}`, {
      method,
      token,
      body: json ? JSON.stringify(json) : undefined,
      dispatcher: this.dispatcher,
      timeoutMs: this.timeoutMs,
    }).catch((error: unknown) => {
      throw finalError(error);
    });
    if (status >= 200 && status < 300) return text ? (JSON.parse(text) as unknown) : {};
    if (isScopeRefusal(status, text)) throw new UpstreamUnauthorizedError('Gmail');
    throw finalError(failureFor(step, status, retryAfter, text));
  }

  private async withRetries<T>(operation: () => Promise<T>): Promise<T> {
    return retry(operation, { ...DEFAULT_GMAIL_RETRY, shouldRetry: retryVerdict });
  }
}

function checkId(id: string): void {
  if (!ID.test(id)) throw finalError(new Error('not a Gmail id'));
}
