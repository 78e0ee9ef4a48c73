/**
 * Gmail's "Mark as read": removes the UNREAD label with one batchModify call per 1000 messages
 * (scope gmail.modify). Same conventions as the reading client in gmailClient.ts: shared dispatcher,
 * a timeout per attempt, bounded retries with jitter that honour Retry-After, errors read by
 * gmailErrors.ts. Removing a label twice is harmless, so every failure Google calls temporary is
 * retried. A token granted without gmail.modify (connected before the scope was asked for) is
 * reported as unauthorized, which makes withAccessToken ask the user to reconnect.
 */
import type { Dispatcher } from 'undici';
import { BadInputError, UpstreamUnauthorizedError } from '../../core/errors.ts';
import { retry, type RetryPolicy } from '../../infrastructure/http/retry.ts';
import { isScopeRefusal } from '../google/googleFailures.ts';
import { DEFAULT_GMAIL_RETRY } from './gmailClient.ts';
import { failureFor, finalError, retryVerdict } from './gmailErrors.ts';
import { gmailRequest } from './gmailRequest.ts';

export interface GmailModifyApi {
  /** Marks the messages read (all of them, or the call fails). Throws coded errors, like the reading client. */
  markAsRead(accessToken: string, ids: readonly string[]): Promise<void>;
}

export interface GmailModifyOptions {
  /** https://gmail.googleapis.com in production. */
  baseUrl: string;
  dispatcher?: Dispatcher;
  retry?: RetryPolicy;
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Gmail's limit for one batchModify call. */
export const MAX_IDS_PER_CALL = 1000;
// Gmail ids are hex strings; anything else in a button value is refused before it reaches a URL or body.
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,256}$/;

export class GmailModifyClient implements GmailModifyApi {
  private readonly url: string;
  private readonly options: GmailModifyOptions;

  constructor(options: GmailModifyOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/gmail/v1/users/me/messages/batchModify`;
    this.options = options;
  }

  async markAsRead(accessToken: string, ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.some((id) => !MESSAGE_ID.test(id))) throw new BadInputError('That is not a Gmail message id.');
    for (let i = 0; i < unique.length; i += MAX_IDS_PER_CALL) {
      const body = JSON.stringify({ ids: unique.slice(i, i + MAX_IDS_PER_CALL), removeLabelIds: ['UNREAD'] });
      await this.withRetries(() => this.send(accessToken, body));
    }
  }

  private async send(token: string, body: string): Promise<void> {
    const step = 'marking messages read';
    const { status, text, retryAfter } = await gmailRequest(step, this.url, {
      method: 'POST',
      token,
      body,
      dispatcher: this.options.dispatcher,
      timeoutMs: this.options.requestTimeoutMs ?? 10_000,
    });
    if (status >= 200 && status < 300) return;
    if (isScopeRefusal(status, text)) throw new UpstreamUnauthorizedError('Gmail');
    throw failureFor(step, status, retryAfter, text);
  }

  private async withRetries(operation: () => Promise<void>): Promise<void> {
    const { sleep, random } = this.options;
    try {
      await retry(operation, { ...(this.options.retry ?? DEFAULT_GMAIL_RETRY), shouldRetry: retryVerdict, sleep, random });
    } catch (error) {
      throw finalError(error);
    }
  }
}
