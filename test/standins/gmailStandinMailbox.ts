/**
 * The mailbox behind the Gmail stand-in: stored messages, the subset of Gmail search it understands,
 * and the JSON shapes of messages.list, messages.get, users.getProfile and Google's error body.
 * No HTTP here; gmailStandin.ts serves it.
 */

export interface RawHeader {
  name: string;
  value: string;
}

export interface NewMessage {
  id?: string;
  threadId?: string;
  /** Raw header values, sent as given (so they may be RFC 2047 encoded). */
  from: string;
  subject: string;
  date: Date;
  /** As Gmail sends it: HTML-escaped. */
  snippet: string;
  unread?: boolean;
  /** Extra raw headers, added after the usual ones. */
  headers?: RawHeader[];
  /** The body, as text/plain; format=full sends it base64url-encoded in payload.body.data. */
  text?: string;
}

export interface StoredMessage {
  id: string;
  threadId: string;
  from: string;
  subject: string;
  snippet: string;
  unread: boolean;
  internalDate: number;
  headers: RawHeader[];
  text?: string | undefined;
}

export interface ApiAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

const STATUS_NAMES: Record<number, [status: string, reason: string, message: string]> = {
  400: ['INVALID_ARGUMENT', 'invalidArgument', 'Invalid argument.'],
  401: ['UNAUTHENTICATED', 'authError', 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'forbidden', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'notFound', 'Requested entity was not found.'],
  429: ['RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'Too many concurrent requests for user.'],
  500: ['INTERNAL', 'backendError', 'Backend Error'],
  503: ['UNAVAILABLE', 'backendError', 'The service is currently unavailable.'],
};

/** Google's error body: `{error: {code, message, errors: [{message, domain, reason}], status}}`. */
export function googleError(code: number, reason?: string, message?: string): ApiAnswer {
  const [status, defaultReason, defaultMessage] = STATUS_NAMES[code] ?? ['UNKNOWN', 'unknown', 'Unknown error.'];
  const text = message ?? defaultMessage;
  return {
    status: code,
    body: { error: { code, message: text, errors: [{ message: text, domain: 'global', reason: reason ?? defaultReason }], status } },
  };
}

function fullBody(text: string | undefined): { size: number; data?: string } {
  if (text === undefined) return { size: 0 };
  const bytes = Buffer.from(text, 'utf8');
  return { size: bytes.length, data: bytes.toString('base64url') };
}

export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

export class Mailbox {
  readonly emailAddress: string;
  private readonly messages = new Map<string, StoredMessage>();
  private nextId = 0x18f3a5c0000;

  constructor(emailAddress: string) {
    this.emailAddress = emailAddress;
  }

  add(input: NewMessage): StoredMessage {
    const id = input.id ?? (this.nextId++).toString(16).padStart(16, '0');
    const message: StoredMessage = {
      id,
      threadId: input.threadId ?? id,
      from: input.from,
      subject: input.subject,
      snippet: input.snippet,
      unread: input.unread ?? true,
      internalDate: input.date.getTime(),
      headers: [
        { name: 'Delivered-To', value: this.emailAddress },
        { name: 'From', value: input.from },
        { name: 'Date', value: rfc2822(input.date) },
        { name: 'Subject', value: input.subject },
        { name: 'To', value: this.emailAddress },
        { name: 'Message-ID', value: `<${id}@standin.example>` },
        ...(input.headers ?? []),
      ],
      text: input.text,
    };
    this.messages.set(id, message);
    return message;
  }

  remove(id: string): void {
    this.messages.delete(id);
  }

  clear(): void {
    this.messages.clear();
  }

  /** messages.batchModify: removes and adds labels; only UNREAD matters here. Answers 204 as Gmail does. */
  batchModify(raw: string): ApiAnswer {
    let body: { ids?: unknown; removeLabelIds?: unknown; addLabelIds?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return googleError(400, 'parseError', 'Invalid JSON payload received.');
    }
    const ids = Array.isArray(body.ids) ? body.ids.filter((id): id is string => typeof id === 'string') : [];
    if (ids.length === 0 || ids.length > 1000) return googleError(400, 'invalidArgument', 'ids must hold 1 to 1000 ids');
    const remove = Array.isArray(body.removeLabelIds) ? body.removeLabelIds : [];
    const add = Array.isArray(body.addLabelIds) ? body.addLabelIds : [];
    for (const id of ids) {
      const message = this.messages.get(id);
      if (!message) continue;
      if (remove.includes('UNREAD')) message.unread = false;
      if (add.includes('UNREAD')) message.unread = true;
    }
    return { status: 204, body: '' };
  }

  /** messages.list: newest first, `pageToken` is an offset. */
  list(query: URLSearchParams): ApiAnswer {
    const maxText = query.get('maxResults');
    const max = maxText === null ? 100 : Number(maxText);
    if (!Number.isInteger(max) || max < 0) return googleError(400, 'invalidArgument', `Invalid maxResults: ${maxText}`);
    const offset = Number(query.get('pageToken') ?? 0) || 0;
    const matching = [...this.messages.values()]
      .filter(matcher(query.get('q') ?? ''))
      .sort((a, b) => b.internalDate - a.internalDate);
    const page = matching.slice(offset, offset + Math.min(max || 100, 500));
    const more = offset + page.length < matching.length;
    return {
      status: 200,
      body: {
        ...(page.length > 0 ? { messages: page.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
        ...(more ? { nextPageToken: String(offset + page.length) } : {}),
        resultSizeEstimate: matching.length,
      },
    };
  }

  /** messages.get with format minimal, metadata (with repeated metadataHeaders) or full. */
  get(id: string, query: URLSearchParams): ApiAnswer {
    const message = this.messages.get(id);
    if (!message) return googleError(404);
    const format = query.get('format') ?? 'full';
    if (!['minimal', 'metadata', 'full'].includes(format)) return googleError(400, 'invalidArgument', `Invalid format: ${format}`);
    const wanted = query.getAll('metadataHeaders').map((name) => name.toLowerCase());
    const headers =
      format === 'metadata' && wanted.length > 0
        ? message.headers.filter((header) => wanted.includes(header.name.toLowerCase()))
        : message.headers;
    const payload = { partId: '', mimeType: 'text/plain', filename: '', headers };
    return {
      status: 200,
      body: {
        id: message.id,
        threadId: message.threadId,
        labelIds: message.unread ? ['UNREAD', 'INBOX'] : ['INBOX'],
        snippet: message.snippet,
        sizeEstimate: 1024 + message.snippet.length,
        historyId: '987654',
        internalDate: String(message.internalDate),
        ...(format === 'minimal' ? {} : { payload: format === 'full' ? { ...payload, body: fullBody(message.text) } : payload }),
      },
    };
  }

  profile(): ApiAnswer {
    const total = this.messages.size;
    return { status: 200, body: { emailAddress: this.emailAddress, messagesTotal: total, threadsTotal: total, historyId: '987654' } };
  }
}

/**
 * The part of Gmail search the stand-in understands: is:unread, is:read, from:, subject:, free words
 * (matched against subject and snippet), quoted phrases and a leading `-` to negate. Other
 * `operator:value` terms, OR and parentheses are ignored.
 */
export function matcher(q: string): (message: StoredMessage) => boolean {
  const terms = [...q.matchAll(/(-?)(?:([a-z_]+):)?("[^"]*"|[^\s()]+)/gi)];
  const tests = terms.flatMap(([, negate, operator, rawValue = '']) => {
    const value = rawValue.replace(/^"|"$/g, '').toLowerCase();
    const has = (text: string) => text.toLowerCase().includes(value);
    let test: ((m: StoredMessage) => boolean) | undefined;
    if (operator?.toLowerCase() === 'is' && value === 'unread') test = (m) => m.unread;
    else if (operator?.toLowerCase() === 'is' && value === 'read') test = (m) => !m.unread;
    else if (operator?.toLowerCase() === 'from') test = (m) => has(m.from);
    else if (operator?.toLowerCase() === 'subject') test = (m) => has(m.subject);
    else if (operator === undefined && !['or', 'and'].includes(value)) test = (m) => has(m.subject) || has(m.snippet);
    if (!test) return [];
    const positive = test;
    return [negate ? (m: StoredMessage) => !positive(m) : positive];
  });
  return (message) => tests.every((test) => test(message));
}
