/**
 * A Gmail API stand-in for tests: a real HTTP server on 127.0.0.1 that speaks the public contract
 * the bot relies on (messages.list, messages.get, users.getProfile, and the multipart batch
 * endpoint), so GmailClient is tested unchanged over real sockets. It can fail, slow down or hang
 * on demand, and records every request so tests can count round trips.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gmailDrafts, type GmailDrafts } from './gmailStandinDrafts.ts';
import { googleError, Mailbox, type ApiAnswer, type NewMessage, type StoredMessage } from './gmailStandinMailbox.ts';

export type { NewMessage, StoredMessage } from './gmailStandinMailbox.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Batch parts only: the part's Content-ID without angle brackets, if it had one. */
  contentId?: string | undefined;
}

export interface FailureSpec {
  status: number;
  retryAfterSeconds?: number;
  /** The answer body; Google's error JSON for `status` when absent. */
  body?: unknown;
  /** Google's reason code in the default body, e.g. rateLimitExceeded for a 403. */
  reason?: string;
  /** Only requests to this path fail (others pass without using up the count), e.g. '/batch/gmail/v1'. */
  path?: string;
}

export interface GmailStandinOptions {
  emailAddress?: string;
  /** Tokens accepted from the start. */
  tokens?: string[];
  /** Parts of one batch beyond this many answer 429, like Gmail's per-user concurrency limit. */
  innerConcurrencyLimit?: number;
}

export interface GmailStandin {
  url: string;
  emailAddress: string;
  /** Drafts made and sent (users.drafts; see gmailStandinDrafts.ts). */
  drafts: Pick<GmailDrafts, 'drafts' | 'sent'>;
  /** Every outer HTTP request, in arrival order. */
  requests: RecordedRequest[];
  /** Every part of every batch request. */
  innerRequests: RecordedRequest[];
  addMessage(message: NewMessage): StoredMessage;
  removeMessage(id: string): void;
  allowToken(token: string): void;
  /** The token may read but not modify (as with only the gmail.readonly scope). */
  allowReadOnlyToken(token: string): void;
  revokeToken(token: string): void;
  /** The next `count` outer requests get this answer instead of theirs. */
  failNext(count: number, failure: FailureSpec): void;
  /** The next `count` batch parts get this answer instead of theirs. */
  failNextInnerParts(count: number, failure: number | FailureSpec): void;
  /** Added before every outer answer. */
  setDelay(ms: number): void;
  /** Holds every request from now on (recorded, unanswered) until the returned function is called. */
  hold(): () => void;
  /** Outer requests being answered right now, and the most there have been at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** The next `count` outer requests are never answered. */
  hangNext(count?: number): void;
  /** The next `count` outer requests have their connection reset instead of an answer. */
  resetNext(count?: number): void;
  /**
   * Empties the mailbox and the logs and drops queued failures, hangs and the delay. Allowed tokens
   * stay: they stand for grants the auth service made, which outlive one test.
   */
  reset(): void;
  close(): Promise<void>;
}

const MAX_BATCH_PARTS = 100;
const API_PREFIX = '/gmail/v1/users/';

export async function startGmailStandin(options: GmailStandinOptions = {}): Promise<GmailStandin> {
  const mailbox = new Mailbox(options.emailAddress ?? 'someone@standin.example');
  const drafts = gmailDrafts();
  const tokens = new Set(options.tokens ?? []);
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: Promise<void> = Promise.resolve();
  const innerRequests: RecordedRequest[] = [];
  let outerFailures: FailureSpec[] = [];
  let innerFailures: FailureSpec[] = [];
  let delayMs = 0;
  let hangs = 0;
  // Tokens granted gmail.readonly only: modify calls answer 403 insufficientPermissions.
  const readOnlyTokens = new Set<string>();
  let resets = 0;

  /** Takes the first queued failure meant for `path`, if any. */
  const takeFailure = (queue: FailureSpec[], path: string): FailureSpec | undefined => {
    const index = queue.findIndex((spec) => spec.path === undefined || spec.path === path);
    return index === -1 ? undefined : queue.splice(index, 1)[0];
  };

  /** One API call, outer or inside a batch. */
  const api = (method: string, url: URL, authorization: string | undefined, body = ''): ApiAnswer => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (token === undefined || !tokens.has(token)) {
      const answer = googleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      return { ...answer, headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' } };
    }
    if (!url.pathname.startsWith(API_PREFIX)) return googleError(404);
    const [user = '', ...rest] = url.pathname.slice(API_PREFIX.length).split('/').map(safeDecode);
    if (user !== 'me' && user !== mailbox.emailAddress) return googleError(403, 'forbidden', 'Delegation denied');
    if (method === 'POST' && rest.length === 2 && rest[0] === 'messages' && rest[1] === 'batchModify') {
      if (readOnlyTokens.has(token)) return googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      return mailbox.batchModify(body);
    }
    if (rest[0] === 'drafts') {
      if (readOnlyTokens.has(token)) return googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      return drafts.handle(method, rest, body) ?? googleError(404);
    }
    if (method !== 'GET') return googleError(404);
    if (rest.length === 1 && rest[0] === 'profile') return mailbox.profile();
    if (rest.length === 1 && rest[0] === 'messages') return mailbox.list(url.searchParams);
    if (rest.length === 2 && rest[0] === 'messages') return mailbox.get(rest[1]!, url.searchParams);
    return googleError(404);
  };

  const failure = (spec: FailureSpec): ApiAnswer => {
    const answer = spec.body === undefined ? googleError(spec.status, spec.reason) : { status: spec.status, body: spec.body };
    const headers: Record<string, string> = spec.retryAfterSeconds === undefined ? {} : { 'retry-after': String(spec.retryAfterSeconds) };
    return { ...answer, headers };
  };

  const batch = (req: IncomingMessage, body: string): ApiAnswer | { multipart: string; boundary: string } => {
    const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (!/^multipart\/mixed/i.test(req.headers['content-type'] ?? '') || !boundary) {
      return googleError(400, 'badRequest', 'Invalid batch request: expected multipart/mixed with a boundary.');
    }
    const parts = readParts(body, boundary);
    if (parts.length > MAX_BATCH_PARTS) return googleError(400, 'badRequest', `A batch can hold at most ${MAX_BATCH_PARTS} calls.`);
    const outBoundary = `batch_${randomBytes(9).toString('base64url')}`;
    const answers = parts.map((part, index) => {
      const url = new URL(part.target, 'https://gmail.googleapis.com');
      innerRequests.push({ method: part.method, path: url.pathname, query: url.searchParams, contentId: part.contentId });
      const forced = takeFailure(innerFailures, url.pathname);
      const throttled = options.innerConcurrencyLimit !== undefined && index >= options.innerConcurrencyLimit;
      const answer = forced
        ? failure(forced)
        : throttled
          ? googleError(429)
          : api(part.method, url, part.headers['authorization'] ?? req.headers.authorization);
      return httpPart(answer, part.contentId);
    });
    const multipart = answers.map((answer) => `--${outBoundary}\r\n${answer}`).join('') + `--${outBoundary}--\r\n`;
    return { multipart, boundary: outBoundary };
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://standin');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    await gate;
    if (hangs > 0) {
      hangs--;
      return; // never answered; close() drops the socket
    }
    if (resets > 0) {
      resets--;
      req.socket.resetAndDestroy();
      return;
    }
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const forced = takeFailure(outerFailures, url.pathname);
    if (forced) return sendJson(res, failure(forced));
    if (req.method === 'POST' && url.pathname === '/batch/gmail/v1') {
      const answer = batch(req, Buffer.concat(chunks).toString('utf8'));
      if (!('multipart' in answer)) return sendJson(res, answer);
      res.writeHead(200, { 'content-type': `multipart/mixed; boundary=${answer.boundary}` });
      return res.end(answer.multipart);
    }
    return sendJson(res, api(req.method ?? 'GET', url, req.headers.authorization, Buffer.concat(chunks).toString('utf8')));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    drafts,
    emailAddress: mailbox.emailAddress,
    requests,
    innerRequests,
    addMessage: (message) => mailbox.add(message),
    removeMessage: (id) => mailbox.remove(id),
    allowToken: (token) => void tokens.add(token),
    revokeToken: (token) => void tokens.delete(token),
    failNext: (count, spec) => outerFailures.push(...Array.from({ length: count }, () => spec)),
    failNextInnerParts: (count, spec) => {
      const full = typeof spec === 'number' ? { status: spec } : spec;
      innerFailures.push(...Array.from({ length: count }, () => full));
    },
    setDelay: (ms) => void (delayMs = ms),
    hold() {
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      return () => {
        gate = Promise.resolve();
        open();
      };
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    hangNext: (count = 1) => void (hangs += count),
    resetNext: (count = 1) => void (resets += count),
    allowReadOnlyToken: (token) => {
      tokens.add(token);
      readOnlyTokens.add(token);
    },
    reset() {
      mailbox.clear();
      drafts.clear();
      requests.length = 0;
      innerRequests.length = 0;
      maxInFlight = inFlight;
      outerFailures = [];
      innerFailures = [];
      delayMs = 0;
      hangs = 0;
      resets = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // keep-alive and hanging sockets would hold close() open
      }),
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes then simply match nothing
  }
}

function sendJson(res: ServerResponse, answer: ApiAnswer): void {
  if (answer.status === 204) {
    res.writeHead(204, answer.headers ?? {});
    res.end();
    return;
  }
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers });
  res.end(JSON.stringify(answer.body, null, 2));
}

interface RequestPart {
  contentId: string | undefined;
  method: string;
  target: string;
  headers: Record<string, string>;
}

/** The parts of a batch request: MIME headers, a blank line, a request line, its headers. Tolerates LF-only. */
function readParts(body: string, boundary: string): RequestPart[] {
  const sections = body.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?$`, 'm')).slice(1, -1);
  return sections.flatMap((section) => {
    const lines = section.replace(/^\r?\n/, '').split(/\r?\n/);
    const blank = lines.findIndex((line) => line.trim() === '');
    const mime = headerMap(lines.slice(0, blank));
    const rest = lines.slice(blank + 1);
    const [method, target] = (rest[0] ?? '').trim().split(/\s+/);
    if (!method || !target) return [];
    const innerEnd = rest.findIndex((line, index) => index > 0 && line.trim() === '');
    const headers = headerMap(rest.slice(1, innerEnd === -1 ? undefined : innerEnd));
    return [{ contentId: mime['content-id']?.replace(/^<|>$/g, ''), method, target, headers }];
  });
}

function headerMap(lines: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) map[line.slice(0, colon).trim().toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  return map;
}

/** One answer part. Google echoes the Content-ID with a `response-` prefix, and leaves it out when the request had none. */
function httpPart(answer: ApiAnswer, contentId: string | undefined): string {
  const reason = answer.status === 200 ? 'OK' : answer.status === 404 ? 'Not Found' : answer.status === 429 ? 'Too Many Requests' : 'Error';
  const extra = Object.entries(answer.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return (
    'Content-Type: application/http\r\n' +
    (contentId === undefined ? '' : `Content-ID: <response-${contentId}>\r\n`) +
    '\r\n' +
    `HTTP/1.1 ${answer.status} ${reason}\r\n` +
    'Content-Type: application/json; charset=UTF-8\r\nVary: Origin\r\nVary: X-Origin\r\nVary: Referer\r\n' +
    extra +
    '\r\n' +
    `${JSON.stringify(answer.body, null, 2)}\r\n\r\n`
  );
}
