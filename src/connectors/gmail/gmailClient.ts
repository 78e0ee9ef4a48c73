/**
 * The Gmail connector: unread messages in two round trips (a list call, then one batch call that
 * reads every message's headers and snippet plus the mailbox's own address). Retries what Google
 * says is temporary, with backoff; inner batch parts that fail are retried alone in a smaller batch.
 */
import { request, type Dispatcher } from 'undici';
import { StoppedError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../core/errors.ts';
import { retry, type RetryPolicy } from '../../infrastructure/http/retry.ts';
import { boundaryFrom, buildBatchBody, matchParts, newBoundary, parseBatchResponse, type BatchResponsePart } from './batch.ts';
import { failureFor, finalError, networkFailure, retryVerdict, TransientFailure, worst } from './gmailErrors.ts';
import { listSchema, messageSchema, newestFirst, parseAnswer, profileSchema, toEmailSummary, type RawMessage } from './messageFields.ts';
import type { GmailApi, UnreadQuery, UnreadResult } from './types.ts';

export interface GmailClientOptions {
  /** https://gmail.googleapis.com in production. */
  baseUrl: string;
  dispatcher?: Dispatcher;
  retry?: RetryPolicy;
  /** Per HTTP attempt, from sending the request to the end of the answer. */
  requestTimeoutMs?: number;
  /** Inner calls per batch request: Google allows 100, but per-user concurrency limits trip near 50. */
  maxBatchSize?: number;
  /** For tests: waits between retries, and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_GMAIL_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 4_000 };
const METADATA_QUERY = 'format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date';
const PROFILE = '#profile'; // not a possible message id

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One inner call of the batch: a message by id, or the profile. */
interface Item {
  key: string;
  path: string;
}

export class GmailClient implements GmailApi {
  private readonly baseUrl: string;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly policy: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly maxBatchSize: number;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;
  private readonly random: (() => number) | undefined;

  constructor(options: GmailClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.dispatcher = options.dispatcher;
    this.policy = options.retry ?? DEFAULT_GMAIL_RETRY;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxBatchSize = Math.min(100, Math.max(1, options.maxBatchSize ?? 50));
    this.sleep = options.sleep;
    this.random = options.random;
  }

  async listUnread(accessToken: string, query: UnreadQuery): Promise<UnreadResult> {
    const max = Math.min(500, Math.max(1, Math.floor(query.max) || 1));
    const q = `is:unread ${query.search ?? ''}`.trim();
    const params = new URLSearchParams({ q, maxResults: String(max) });
    if (query.pageToken) params.set('pageToken', query.pageToken);
    const url = `${this.baseUrl}/gmail/v1/users/me/messages?${params}`;
    const signal = query.signal;
    const listed = await this.withRetries(async () => {
      const answer = await this.send('listing messages', accessToken, 'GET', url, undefined, signal);
      return parseAnswer(listSchema, answer.text, 'listing messages');
    });

    const ids = [...new Set((listed.messages ?? []).map((message) => message.id))].slice(0, max);
    const totalEstimate = listed.resultSizeEstimate ?? ids.length;
    const nextPageToken = listed.nextPageToken || undefined;
    if (ids.length === 0) return { mailbox: undefined, emails: [], totalEstimate, nextPageToken };

    const { messages, mailbox } = await this.readAll(accessToken, ids, signal);
    return { mailbox, emails: newestFirst(messages.map(toEmailSummary)), totalEstimate, nextPageToken };
  }

  /** Reads the messages and the profile in one batch; failed parts are retried alone. */
  private async readAll(token: string, ids: string[], signal?: AbortSignal): Promise<{ messages: RawMessage[]; mailbox: string | undefined }> {
    const pending = new Map<string, Item>(
      ids.map((id) => [id, { key: id, path: `/gmail/v1/users/me/messages/${encodeURIComponent(id)}?${METADATA_QUERY}` }]),
    );
    pending.set(PROFILE, { key: PROFILE, path: '/gmail/v1/users/me/profile' });
    const found = new Map<string, RawMessage>();
    let mailbox: string | undefined;

    const attempt = async () => {
      const failures: TransientFailure[] = [];
      for (const chunk of chunks([...pending.values()], this.maxBatchSize)) {
        const answers = await this.sendBatch(token, chunk, signal);
        chunk.forEach((item, index) => {
          const failure = this.readPart(item, answers.get(`item-${index + 1}`), (body) => {
            if (item.key === PROFILE) mailbox = readMailbox(body);
            else found.set(item.key, parseAnswer(messageSchema, body, 'reading a message'));
          });
          if (failure) failures.push(failure);
          else pending.delete(item.key);
        });
      }
      // The address only improves links: not worth another round trip, or a failure, on its own.
      if (pending.size === 1 && pending.has(PROFILE)) pending.clear();
      if (pending.size > 0) throw worst(failures);
    };

    await this.withRetries(attempt);
    return { messages: ids.flatMap((id) => found.get(id) ?? []), mailbox };
  }

  /** Undefined when the part is settled (read, or dropped); a TransientFailure to retry it; throws otherwise. */
  private readPart(item: Item, part: BatchResponsePart | undefined, read: (body: string) => void): TransientFailure | undefined {
    const step = item.key === PROFILE ? 'reading the profile' : 'reading a message';
    if (!part) return new TransientFailure('unavailable', 'the batch answer left out a part');
    if (part.status >= 200 && part.status < 300) {
      read(part.body);
      return undefined;
    }
    if (part.status === 404 && item.key !== PROFILE) return undefined; // deleted since it was listed
    const failure = failureFor(step, part.status, part.headers['retry-after'], part.body);
    if (failure instanceof TransientFailure) return failure;
    if (item.key === PROFILE && !(failure instanceof UpstreamUnauthorizedError)) return undefined;
    throw failure;
  }

  private async sendBatch(token: string, items: Item[], signal?: AbortSignal): Promise<Map<string, BatchResponsePart>> {
    const step = 'the batch request';
    const parts = items.map((item, index) => ({ contentId: `item-${index + 1}`, method: 'GET', path: item.path }));
    const boundary = newBoundary();
    const answer = await this.send(step, token, 'POST', `${this.baseUrl}/batch/gmail/v1`, {
      contentType: `multipart/mixed; boundary=${boundary}`,
      body: buildBatchBody(parts, boundary),
    }, signal);
    const contentType = answer.headers['content-type'];
    const answerBoundary = boundaryFrom(Array.isArray(contentType) ? contentType[0] : contentType);
    if (!answerBoundary) throw new UpstreamUnavailableError('Gmail', `${step} got an answer that is not multipart`);
    return matchParts(parts.map((part) => part.contentId), parseBatchResponse(answer.text, answerBoundary));
  }

  /** One HTTP exchange; a non-2xx answer or no answer at all is thrown as the matching error. */
  private async send(
    step: string,
    token: string,
    method: 'GET' | 'POST',
    url: string,
    payload?: { contentType: string; body: string },
    stopped?: AbortSignal,
  ): Promise<Answer> {
    let answer: Answer;
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    try {
      const response = await request(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json, multipart/mixed',
          ...(payload ? { 'content-type': payload.contentType } : {}),
        },
        body: payload?.body,
        dispatcher: this.dispatcher,
        signal: stopped ? AbortSignal.any([timeout, stopped]) : timeout,
      });
      answer = { status: response.statusCode, headers: response.headers, text: await response.body.text() };
    } catch (error) {
      // Stopped by the user: not a failure of Gmail's, and nothing to retry.
      if (stopped?.aborted) throw new StoppedError();
      throw networkFailure(step, error);
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw failureFor(step, answer.status, answer.headers['retry-after'], answer.text);
    }
    return answer;
  }

  /** Retries transient failures; once retrying is over, they become the coded errors callers expect. */
  private async withRetries<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await retry(operation, { ...this.policy, shouldRetry: retryVerdict, sleep: this.sleep, random: this.random });
    } catch (error) {
      throw finalError(error);
    }
  }
}

/** The mailbox address, or undefined: it only improves links, so an odd profile answer is not an error. */
function readMailbox(body: string): string | undefined {
  try {
    return parseAnswer(profileSchema, body, 'reading the profile').emailAddress;
  } catch {
    return undefined;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
