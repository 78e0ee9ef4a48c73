/**
 * Narrow HTTP cases for GmailClient that the stand-in does not produce (odd batch formatting,
 * HTTP-date Retry-After, answers that are not multipart), with undici's MockAgent as the dispatcher.
 * The full behaviour is tested against the stand-in in test/integration/gmailClient.test.ts.
 */
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GmailClient } from '../../../src/connectors/gmail/gmailClient.ts';
import { RateLimitedError, UpstreamUnavailableError } from '../../../src/core/errors.ts';

const BASE = 'https://gmail.test';
const LIST_PATH = /^\/gmail\/v1\/users\/me\/messages\?/;
const message = (id: string, ms: number, subject: string) => ({
  id,
  threadId: id,
  snippet: `about ${subject}`,
  internalDate: String(ms),
  payload: { headers: [{ name: 'Subject', value: subject }] },
});

let agent: MockAgent;
let sleeps: number[];
let client: GmailClient;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  sleeps = [];
  client = new GmailClient({
    baseUrl: `${BASE}/`,
    dispatcher: agent,
    retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 60_000 },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
});

afterEach(async () => {
  await agent.close();
});

describe('GmailClient over a mocked dispatcher', () => {
  it('reads an LF-only batch answer with a preamble and parts out of order', async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, { messages: [{ id: 'a' }, { id: 'b' }], resultSizeEstimate: 7 });
    const body = [
      'preamble to ignore',
      '--resp',
      'Content-Type: application/http',
      'Content-ID: <response-item-3>',
      '',
      'HTTP/1.1 200 OK',
      '',
      JSON.stringify({ emailAddress: 'me@example.com' }),
      '--resp',
      'Content-Type: application/http',
      'Content-ID: <response-item-2>',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json',
      '',
      JSON.stringify(message('b', 2_000, 'newer'), null, 2),
      '--resp',
      'Content-Type: application/http',
      'Content-ID: <response-item-1>',
      '',
      'HTTP/1.1 200 OK',
      '',
      JSON.stringify(message('a', 1_000, 'older')),
      '--resp--',
    ].join('\n');
    pool
      .intercept({ path: '/batch/gmail/v1', method: 'POST' })
      .reply(200, body, { headers: { 'content-type': 'multipart/mixed; boundary="resp"' } });

    const result = await client.listUnread('token', { max: 2 });
    expect(result.mailbox).toBe('me@example.com');
    expect(result.totalEstimate).toBe(7);
    expect(result.emails.map((email) => email.subject)).toEqual(['newer', 'older']);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const pool = agent.get(BASE);
    const inFiveSeconds = new Date(Date.now() + 5_000).toUTCString();
    pool.intercept({ path: LIST_PATH, method: 'GET' }).reply(429, {}, { headers: { 'retry-after': inFiveSeconds } });
    pool.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, { resultSizeEstimate: 0 });

    await client.listUnread('token', { max: 5 });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(3_000);
    expect(sleeps[0]).toBeLessThanOrEqual(5_000);
  });

  it('stops at once when Gmail asks for a longer wait than allowed, and says how long', async () => {
    const strict = new GmailClient({ baseUrl: BASE, dispatcher: agent, retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    agent.get(BASE).intercept({ path: LIST_PATH, method: 'GET' }).reply(429, {}, { headers: { 'retry-after': '30' } });

    const error = await strict.listUnread('token', { max: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(30_000);
  });

  it('retries the parts a batch answer left out', async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, { messages: [{ id: 'a' }], resultSizeEstimate: 1 });
    const onlyProfile = '--b\r\nContent-ID: <response-item-2>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{"emailAddress":"me@example.com"}\r\n--b--\r\n';
    const onlyMessage = `--b\r\nContent-ID: <response-item-1>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n${JSON.stringify(message('a', 1, 'hello'))}\r\n--b--\r\n`;
    const multipart = { headers: { 'content-type': 'multipart/mixed; boundary=b' } };
    pool.intercept({ path: '/batch/gmail/v1', method: 'POST' }).reply(200, onlyProfile, multipart);
    let retried = '';
    pool
      .intercept({ path: '/batch/gmail/v1', method: 'POST', body: (text: string) => ((retried = text), true) })
      .reply(200, onlyMessage, multipart);

    const result = await client.listUnread('token', { max: 1 });
    expect(result).toMatchObject({ mailbox: 'me@example.com', emails: [{ id: 'a', subject: 'hello' }] });
    expect(retried).toContain('/gmail/v1/users/me/messages/a?');
    expect(retried).not.toContain('/profile');
  });

  it('refuses a 200 batch answer that is not multipart, without retrying', async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: LIST_PATH, method: 'GET' }).reply(200, { messages: [{ id: 'a' }] });
    pool.intercept({ path: '/batch/gmail/v1', method: 'POST' }).reply(200, { odd: true });

    const error = await client.listUnread('token', { max: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as Error).message).toBe('Gmail: the batch request got an answer that is not multipart');
    expect(sleeps).toEqual([]);
  });

  it('refuses a list answer of the wrong shape', async () => {
    agent.get(BASE).intercept({ path: LIST_PATH, method: 'GET' }).reply(200, { messages: 'many' });
    await expect(client.listUnread('token', { max: 1 })).rejects.toThrow('Gmail: listing messages got an unreadable answer');
  });
});
