/**
 * GmailClient against the Gmail stand-in over real sockets: round trips, search, retries of whole
 * requests and of single batch parts, and the coded errors the actions branch on. Waits between
 * retries are recorded instead of slept, except where a real timeout is the point.
 */
import type { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GmailClient, type GmailClientOptions } from '../../src/connectors/gmail/gmailClient.ts';
import { RateLimitedError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../src/core/errors.ts';
import { createUpstreamDispatcher } from '../../src/infrastructure/http/dispatcher.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';

const TOKEN = 'ya29.test-access-token';
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2025, 6, 1, 9, 0, 0);

let gmail: GmailStandin;
let dispatcher: Agent;
let sleeps: number[];

function client(options: Partial<GmailClientOptions> = {}): GmailClient {
  return new GmailClient({
    baseUrl: gmail.url,
    dispatcher,
    retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 5_000 },
    requestTimeoutMs: 2_000,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...options,
  });
}

function addMessages(count: number): void {
  for (let i = 0; i < count; i++) {
    gmail.addMessage({
      from: `Sender ${i} <s${i}@example.com>`,
      subject: `Subject ${i}`,
      date: new Date(T0 + i * DAY),
      snippet: `Snippet ${i} &amp; more`,
    });
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the call to fail');
  return outcome;
}

beforeAll(async () => {
  gmail = await startGmailStandin({ emailAddress: 'pat@example.com', tokens: [TOKEN] });
  dispatcher = createUpstreamDispatcher({ connectTimeoutMs: 1_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
});

afterAll(async () => {
  await dispatcher.close();
  await gmail.close();
});

beforeEach(() => {
  sleeps = [];
});

afterEach(() => {
  gmail.reset();
});

describe('GmailClient against the Gmail stand-in', () => {
  it('reads 5 unread messages in exactly two round trips, with the mailbox address', async () => {
    addMessages(5);
    gmail.addMessage({ from: 'old@example.com', subject: 'read already', date: new Date(T0 + 9 * DAY), snippet: '', unread: false });

    const result = await client().listUnread(TOKEN, { max: 5 });

    expect(gmail.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /gmail/v1/users/me/messages', 'POST /batch/gmail/v1']);
    expect(gmail.innerRequests).toHaveLength(6);
    expect(gmail.innerRequests.filter((r) => r.path.endsWith('/profile'))).toHaveLength(1);
    for (const inner of gmail.innerRequests.filter((r) => r.path.includes('/messages/'))) {
      expect(inner.query.get('format')).toBe('metadata');
      expect(inner.query.getAll('metadataHeaders')).toEqual(['From', 'Subject', 'Date']);
    }
    expect(result.mailbox).toBe('pat@example.com');
    expect(result.totalEstimate).toBe(5);
    expect(result.emails).toHaveLength(5);
    expect(result.emails[0]).toMatchObject({
      from: 'Sender 4 <s4@example.com>',
      subject: 'Subject 4',
      snippet: 'Snippet 4 & more',
      receivedAt: new Date(T0 + 4 * DAY),
    });
  });

  it('asks for no more than the count and returns the newest first', async () => {
    for (const day of [3, 9, 1, 7, 5, 8, 2]) {
      gmail.addMessage({ from: 'a@example.com', subject: `day ${day}`, date: new Date(T0 + day * DAY), snippet: '' });
    }

    const result = await client().listUnread(TOKEN, { max: 3 });

    expect(gmail.requests[0]!.query.get('maxResults')).toBe('3');
    expect(result.emails.map((e) => e.subject)).toEqual(['day 9', 'day 8', 'day 7']);
    expect(result.totalEstimate).toBe(7);
  });

  it('passes search terms to Gmail after is:unread', async () => {
    gmail.addMessage({ from: 'Alice <alice@example.com>', subject: 'Lunch on Friday', date: new Date(T0), snippet: 'pizza?' });
    gmail.addMessage({ from: 'Alice <alice@example.com>', subject: 'Report', date: new Date(T0 + DAY), snippet: 'numbers' });
    gmail.addMessage({ from: 'Bob <bob@example.com>', subject: 'Lunch too', date: new Date(T0 + 2 * DAY), snippet: '' });

    const result = await client().listUnread(TOKEN, { max: 5, search: 'from:alice lunch' });

    expect(gmail.requests[0]!.query.get('q')).toBe('is:unread from:alice lunch');
    expect(result.emails.map((e) => e.subject)).toEqual(['Lunch on Friday']);
  });

  it('pages through the unread messages with Gmail\'s page token', async () => {
    addMessages(7);
    const first = await client().listUnread(TOKEN, { max: 5 });
    expect(first.emails.map((e) => e.subject)).toEqual(['Subject 6', 'Subject 5', 'Subject 4', 'Subject 3', 'Subject 2']);
    expect(first.nextPageToken).toBeTruthy();
    const second = await client().listUnread(TOKEN, { max: 5, pageToken: first.nextPageToken });
    expect(second.emails.map((e) => e.subject)).toEqual(['Subject 1', 'Subject 0']);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('treats an empty inbox as zero emails after one round trip', async () => {
    const result = await client().listUnread(TOKEN, { max: 5 });

    expect(result).toEqual({ mailbox: undefined, emails: [], totalEstimate: 0 });
    expect(gmail.requests).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After says, then succeeds', async () => {
    addMessages(2);
    gmail.failNext(1, { status: 429, retryAfterSeconds: 2 });

    const result = await client().listUnread(TOKEN, { max: 5 });

    expect(result.emails).toHaveLength(2);
    expect(sleeps).toEqual([2_000]);
    expect(gmail.requests.map((r) => r.path)).toEqual([
      '/gmail/v1/users/me/messages',
      '/gmail/v1/users/me/messages',
      '/batch/gmail/v1',
    ]);
  });

  it('retries a 403 rateLimitExceeded on the batch call with jittered backoff', async () => {
    addMessages(2);
    gmail.failNext(1, { status: 403, reason: 'rateLimitExceeded', path: '/batch/gmail/v1' });

    const result = await client().listUnread(TOKEN, { max: 5 });

    expect(result.emails).toHaveLength(2);
    expect(gmail.requests.map((r) => r.path)).toEqual(['/gmail/v1/users/me/messages', '/batch/gmail/v1', '/batch/gmail/v1']);
    expect(sleeps).toEqual([50]);
  });

  it('retries only the batch parts that failed, in a smaller batch', async () => {
    addMessages(5);
    gmail.failNextInnerParts(2, { status: 429, retryAfterSeconds: 1 });

    const result = await client().listUnread(TOKEN, { max: 5 });

    expect(result.emails).toHaveLength(5);
    expect(result.mailbox).toBe('pat@example.com');
    expect(gmail.requests.map((r) => r.path)).toEqual(['/gmail/v1/users/me/messages', '/batch/gmail/v1', '/batch/gmail/v1']);
    expect(gmail.innerRequests).toHaveLength(6 + 2);
    const firstTwo = gmail.innerRequests.slice(0, 2).map((r) => r.path);
    expect(gmail.innerRequests.slice(6).map((r) => r.path)).toEqual(firstTwo);
    expect(sleeps).toEqual([1_000]);
  });

  it('gets through a per-user concurrency limit by retrying the throttled parts', async () => {
    const limited = await startGmailStandin({ tokens: [TOKEN], innerConcurrencyLimit: 4 });
    try {
      for (let i = 0; i < 10; i++) limited.addMessage({ from: 'x@example.com', subject: `s${i}`, date: new Date(T0 + i), snippet: '' });
      const result = await client({ baseUrl: limited.url }).listUnread(TOKEN, { max: 10 });
      expect(result.emails).toHaveLength(10);
      expect(limited.requests.filter((r) => r.path === '/batch/gmail/v1')).toHaveLength(3);
    } finally {
      await limited.close();
    }
  });

  it('drops a message deleted between the list and the batch (inner 404)', async () => {
    addMessages(3);
    gmail.failNextInnerParts(1, 404);

    const result = await client().listUnread(TOKEN, { max: 5 });

    expect(result.emails.map((e) => e.subject)).toEqual(['Subject 1', 'Subject 0']);
    expect(gmail.requests).toHaveLength(2);
  });

  it('ends persistent 503s in UpstreamUnavailableError after the bounded retries', async () => {
    gmail.failNext(10, { status: 503 });

    const error = await failure(client().listUnread(TOKEN, { max: 5 }));

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.message).toBe('Gmail: listing messages failed with HTTP 503 (backendError)');
    expect(gmail.requests).toHaveLength(4);
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('ends persistent rate limiting in RateLimitedError carrying the last Retry-After', async () => {
    addMessages(1);
    gmail.failNextInnerParts(100, { status: 429, retryAfterSeconds: 1 });

    const error = await failure(client().listUnread(TOKEN, { max: 5 }));

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(1_000);
    expect(gmail.requests.filter((r) => r.path === '/batch/gmail/v1')).toHaveLength(4);
  });

  it('gives UpstreamUnauthorizedError for a refused token, at once', async () => {
    addMessages(1);

    const error = await failure(client().listUnread('ya29.revoked', { max: 5 }));

    expect(error).toBeInstanceOf(UpstreamUnauthorizedError);
    expect(gmail.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives UpstreamUnauthorizedError when a batch part says 401, without retrying', async () => {
    addMessages(3);
    gmail.failNextInnerParts(1, 401);

    await expect(client().listUnread(TOKEN, { max: 5 })).rejects.toBeInstanceOf(UpstreamUnauthorizedError);
    expect(gmail.requests).toHaveLength(2);
  });

  it('reports other refusals clearly, without the token or mailbox content', async () => {
    gmail.addMessage({ from: 'hr@example.com', subject: 'Salary review', date: new Date(T0), snippet: 'confidential' });
    gmail.failNextInnerParts(1, { status: 403, reason: 'insufficientPermissions' });

    const error = await failure(client().listUnread(TOKEN, { max: 5 }));

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.message).toBe('Gmail: reading a message was refused with HTTP 403 (insufficientPermissions)');
    expect(sleeps).toEqual([]);
    for (const secret of [TOKEN, 'Salary', 'confidential']) expect(error.message).not.toContain(secret);
  });

  it('lists without the mailbox address when only the profile part fails, without another round trip', async () => {
    addMessages(2);
    gmail.failNextInnerParts(1, { status: 429, path: '/gmail/v1/users/me/profile' });

    const result = await client().listUnread(TOKEN, { max: 5 });

    expect(result.mailbox).toBeUndefined();
    expect(result.emails).toHaveLength(2);
    expect(gmail.requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('ends a hanging server in an error within the configured timeouts', async () => {
    gmail.hangNext(10);
    const retries = 2;
    const timeoutMs = 150;

    const started = performance.now();
    const error = await failure(client({ requestTimeoutMs: timeoutMs, retry: { retries, baseDelayMs: 10, maxDelayMs: 50 }, sleep: undefined }).listUnread(TOKEN, { max: 5 }));
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error.message).toBe('Gmail: listing messages timed out');
    expect(gmail.requests).toHaveLength(retries + 1);
    expect(elapsed).toBeLessThan((retries + 1) * timeoutMs + 2 * 50 + 1_000);
  });

  it('recovers when a single request hangs', async () => {
    addMessages(2);
    gmail.hangNext(1);

    const result = await client({ requestTimeoutMs: 150 }).listUnread(TOKEN, { max: 5 });

    expect(result.emails).toHaveLength(2);
    expect(gmail.requests).toHaveLength(3);
  });

  it('still answers within the timeout when the server is merely slow', async () => {
    addMessages(1);
    gmail.setDelay(50);

    const result = await client({ requestTimeoutMs: 1_000 }).listUnread(TOKEN, { max: 5 });

    expect(result.emails).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});
