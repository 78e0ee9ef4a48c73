/**
 * A Google Calendar API stand-in for tests: a real HTTP server on 127.0.0.1 that speaks the part of
 * the public contract the bot uses (events.insert and events.get on the primary calendar), so
 * CalendarClient is tested unchanged over real sockets. Bearer tokens are accepted like the Gmail
 * stand-in's; a token can lack the calendar scope. It records every request and event, and can fail
 * (also after storing the event, as when an answer is lost), slow down or hang on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { googleError, type ApiAnswer } from './gmailStandinMailbox.ts';

export interface RecordedCalendarRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface StoredEvent {
  id: string;
  summary: string;
  description?: string;
  start: { dateTime?: string; date?: string; timeZone?: string };
  end: { dateTime?: string; date?: string; timeZone?: string };
  status: 'confirmed' | 'cancelled';
  htmlLink: string;
}

export interface CalendarFailure {
  status: number;
  retryAfterSeconds?: number;
  reason?: string;
  /** Store the event first, then answer with the failure: the client never hears it was created. */
  afterCommit?: boolean;
}

export interface CalendarStandin {
  url: string;
  requests: RecordedCalendarRequest[];
  events: StoredEvent[];
  /** `canWrite: false` stands for a grant without the calendar.events scope. */
  allowToken(token: string, options?: { canWrite?: boolean }): void;
  revokeToken(token: string): void;
  failNext(count: number, failure: CalendarFailure): void;
  setDelay(ms: number): void;
  hangNext(count?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const EVENTS = '/calendar/v3/calendars/primary/events';
const EVENT_ID = /^[a-v0-9]{5,1024}$/;

export async function startCalendarStandin(options: { tokens?: string[]; email?: string } = {}): Promise<CalendarStandin> {
  const email = options.email ?? 'someone@standin.example';
  const tokens = new Map<string, { canWrite: boolean }>((options.tokens ?? []).map((token) => [token, { canWrite: true }]));
  const requests: RecordedCalendarRequest[] = [];
  const events: StoredEvent[] = [];
  let failures: CalendarFailure[] = [];
  let delayMs = 0;
  let hangs = 0;
  let counter = 0;

  const insert = (body: unknown): ApiAnswer | StoredEvent => {
    const input = (body ?? {}) as Partial<StoredEvent>;
    const problem = checkTimes(input.start, input.end);
    if (problem) return googleError(400, 'badRequest', problem);
    if (input.id !== undefined && !EVENT_ID.test(input.id)) return googleError(400, 'invalid', 'Invalid resource id value.');
    if (input.id !== undefined && events.some((event) => event.id === input.id)) {
      return googleError(409, 'duplicate', 'The requested identifier already exists.');
    }
    const id = input.id ?? `standin${(++counter).toString(32)}`;
    const eid = Buffer.from(`${id} ${email}`).toString('base64url');
    const event: StoredEvent = {
      id,
      summary: input.summary ?? '',
      ...(input.description ? { description: input.description } : {}),
      start: input.start!,
      end: input.end!,
      status: 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${eid}`,
    };
    events.push(event);
    return event;
  };

  const api = (req: IncomingMessage, path: string, body: unknown, failure: CalendarFailure | undefined): ApiAnswer => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const grant = token === undefined ? undefined : tokens.get(token);
    if (!grant) return googleError(401, 'authError', 'Request had invalid authentication credentials.');
    if (req.method === 'POST' && path === EVENTS) {
      if (!grant.canWrite) return googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      const created = insert(body);
      if (failure) return failed(failure);
      return 'htmlLink' in created ? { status: 200, body: answerFor(created) } : created;
    }
    const id = path.startsWith(`${EVENTS}/`) ? decodeURIComponent(path.slice(EVENTS.length + 1)) : undefined;
    if (req.method === 'GET' && id !== undefined) {
      const event = events.find((candidate) => candidate.id === id);
      return event ? { status: 200, body: answerFor(event) } : googleError(404, 'notFound', 'Not Found');
    }
    return googleError(404, 'notFound', 'Not Found');
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    const body = raw ? safeJson(raw) : undefined;
    requests.push({ method: req.method ?? 'GET', path, body });
    if (hangs > 0) {
      hangs--;
      return; // never answered; close() drops the socket
    }
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const failure = failures.shift();
    const answer = failure && !failure.afterCommit ? failed(failure) : api(req, path, body, failure);
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers });
    res.end(JSON.stringify(answer.body, null, 2));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    events,
    allowToken: (token, grant = {}) => void tokens.set(token, { canWrite: grant.canWrite ?? true }),
    revokeToken: (token) => void tokens.delete(token),
    failNext: (count, failure) => failures.push(...Array.from({ length: count }, () => failure)),
    setDelay: (ms) => void (delayMs = ms),
    hangNext: (count = 1) => void (hangs += count),
    reset() {
      requests.length = 0;
      events.length = 0;
      failures = [];
      delayMs = 0;
      hangs = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function failed(failure: CalendarFailure): ApiAnswer {
  const answer = googleError(failure.status, failure.reason);
  return failure.retryAfterSeconds === undefined ? answer : { ...answer, headers: { 'retry-after': String(failure.retryAfterSeconds) } };
}

/** Google's checks that matter here: both ends of one kind, timed ones with an offset or a zone, end after start. */
function checkTimes(start: StoredEvent['start'] | undefined, end: StoredEvent['end'] | undefined): string | undefined {
  if (!start || !end) return 'Missing start or end time.';
  if ((start.date === undefined) !== (end.date === undefined)) return 'Start and end times must either both be date or both be dateTime.';
  if (start.date !== undefined) {
    return /^\d{4}-\d{2}-\d{2}$/.test(start.date) && end.date! > start.date ? undefined : 'The specified time range is empty.';
  }
  for (const time of [start, end]) {
    const hasOffset = /(Z|[+-]\d{2}:\d{2})$/.test(time.dateTime ?? '');
    if (!time.dateTime || Number.isNaN(Date.parse(time.dateTime)) || (!hasOffset && !time.timeZone)) return 'Invalid start or end time.';
  }
  return Date.parse(end.dateTime!) > Date.parse(start.dateTime!) ? undefined : 'The specified time range is empty.';
}

function answerFor(event: StoredEvent): Record<string, unknown> {
  return { kind: 'calendar#event', etag: '"3181161784712000"', ...event, created: new Date().toISOString(), creator: { self: true } };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
