/**
 * Reading mail for an agent's plan: searching the whole mailbox with Gmail's own search syntax
 * (`users.messages.list?q=`, then `users.messages.get` with format=metadata for each hit) and
 * reading one email's text (`users.messages.get` with format=full: the first text/plain part,
 * else the HTML part with its tags removed, else the snippet). Reads only; retried like the other
 * reads; Slack's Stop aborts the requests in flight.
 */
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { retry } from '../../infrastructure/http/retry.ts';
import { DEFAULT_GMAIL_RETRY } from './gmailClient.ts';
import { failureFor, finalError, retryVerdict } from './gmailErrors.ts';
import { gmailRequest } from './gmailRequest.ts';
import { cleanSnippet, decodeEncodedWords, decodeHtmlEntities, listSchema, messageSchema, parseAnswer, pickHeader, receivedAt, toEmailSummary } from './messageFields.ts';
import type { EmailSummary } from './types.ts';

export interface EmailText {
  id: string;
  threadId: string;
  from: string;
  to: string;
  subject: string;
  receivedAt: Date;
  /** The body as plain text, at most MAX_TEXT characters. */
  text: string;
  truncated: boolean;
}

export interface GmailReadApi {
  search(accessToken: string, query: { q: string; max: number; signal?: AbortSignal | undefined }): Promise<EmailSummary[]>;
  read(accessToken: string, messageId: string, signal?: AbortSignal): Promise<EmailText>;
}

export const MAX_TEXT = 8_000;
const ID = /^[A-Za-z0-9_-]{1,256}$/;
const METADATA = 'format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date';

interface Part {
  mimeType?: string | undefined;
  body?: { data?: string | undefined } | undefined;
  parts?: Part[] | undefined;
}
const partSchema: z.ZodType<Part> = z.lazy(() =>
  z.object({
    mimeType: z.string().optional(),
    body: z.object({ data: z.string().optional() }).optional(),
    parts: z.array(partSchema).optional(),
  }),
);
const fullMessageSchema = messageSchema.extend({
  payload: z.object({ headers: z.array(z.object({ name: z.string(), value: z.string() })).optional() }).and(partSchema).optional(),
});

export class GmailReadClient implements GmailReadApi {
  private readonly base: string;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly timeoutMs: number;

  constructor(options: { baseUrl: string; dispatcher?: Dispatcher; requestTimeoutMs?: number }) {
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/gmail/v1/users/me`;
    this.dispatcher = options.dispatcher;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  async search(accessToken: string, query: { q: string; max: number; signal?: AbortSignal | undefined }): Promise<EmailSummary[]> {
    const params = new URLSearchParams({ q: query.q, maxResults: String(Math.max(1, Math.min(query.max, 25))) });
    const listed = parseAnswer(listSchema, await this.get('searching mail', accessToken, `/messages?${params}`, query.signal), 'searching mail');
    const ids = [...new Set((listed.messages ?? []).map((message) => message.id))].slice(0, query.max).filter((id) => ID.test(id));
    const found = await Promise.all(
      ids.map(async (id) => parseAnswer(messageSchema, await this.get('reading a message', accessToken, `/messages/${id}?${METADATA}`, query.signal), 'reading a message')),
    );
    return found.map(toEmailSummary);
  }

  async read(accessToken: string, messageId: string, signal?: AbortSignal): Promise<EmailText> {
    if (!ID.test(messageId)) throw new BadInputError('That is not the id of an email.');
    const message = parseAnswer(fullMessageSchema, await this.get('reading the email', accessToken, `/messages/${messageId}?format=full`, signal), 'reading the email');
    const headers = message.payload?.headers;
    const body = textOf(message.payload) ?? cleanSnippet(message.snippet ?? '');
    return {
      id: message.id,
      threadId: message.threadId ?? message.id,
      from: decodeEncodedWords(pickHeader(headers, 'From') ?? '').trim(),
      to: decodeEncodedWords(pickHeader(headers, 'To') ?? '').trim(),
      subject: decodeEncodedWords(pickHeader(headers, 'Subject') ?? '').trim(),
      receivedAt: receivedAt(message.internalDate, pickHeader(headers, 'Date')),
      text: body.slice(0, MAX_TEXT),
      truncated: body.length > MAX_TEXT,
    };
  }

  private async get(step: string, token: string, path: string, stopped?: AbortSignal): Promise<string> {
    const attempt = async () => {
      const { status, text, retryAfter } = await gmailRequest(step, `${this.base}${path}`, {
        method: 'GET',
        token,
        dispatcher: this.dispatcher,
        timeoutMs: this.timeoutMs,
        stopped,
      });
      if (status < 200 || status >= 300) throw failureFor(step, status, retryAfter, text);
      return text;
    };
    try {
      return await retry(attempt, { ...DEFAULT_GMAIL_RETRY, shouldRetry: (error) => (stopped?.aborted ? false : retryVerdict(error)) });
    } catch (error) {
      throw finalError(error);
    }
  }
}

/** The first text/plain part (depth first), else the first text/html one as text, decoded from base64url. */
function textOf(payload: Part | undefined): string | undefined {
  if (!payload) return undefined;
  const plain = findPart(payload, 'text/plain');
  if (plain) return decodeBody(plain).replace(/\r\n/g, '\n').trim();
  const html = findPart(payload, 'text/html');
  if (html) return decodeHtmlEntities(decodeBody(html).replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
  return undefined;
}

function findPart(part: Part, mimeType: string): Part | undefined {
  if (part.mimeType?.toLowerCase() === mimeType && part.body?.data) return part;
  for (const child of part.parts ?? []) {
    const found = findPart(child, mimeType);
    if (found) return found;
  }
  return undefined;
}

function decodeBody(part: Part): string {
  return Buffer.from(part.body?.data ?? '', 'base64url').toString('utf8');
}
