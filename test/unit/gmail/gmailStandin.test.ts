/**
 * Checks that the Gmail stand-in keeps to Gmail's public contract where the client relies on it, so
 * the integration tests prove something about the real service.
 */
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGmailStandin, type GmailStandin } from '../../standins/gmailStandin.ts';

const TOKEN = 'good-token';
let gmail: GmailStandin;

beforeAll(async () => {
  gmail = await startGmailStandin({ emailAddress: 'pat@example.com', tokens: [TOKEN] });
});
afterAll(() => gmail.close());
afterEach(() => gmail.reset());

async function get(path: string, token = TOKEN) {
  const response = await request(`${gmail.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, headers: response.headers, json: (await response.body.json()) as Record<string, any> };
}

describe('Gmail stand-in', () => {
  it("refuses unknown tokens with Google's 401 body", async () => {
    const answer = await get('/gmail/v1/users/me/profile', 'nope');
    expect(answer.status).toBe(401);
    expect(answer.json.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED', errors: [{ domain: 'global', reason: 'authError' }] });
    gmail.allowToken('nope');
    expect((await get('/gmail/v1/users/me/profile', 'nope')).status).toBe(200);
    gmail.revokeToken('nope');
    expect((await get('/gmail/v1/users/me/profile', 'nope')).status).toBe(401);
  });

  it('lists newest first, omits messages when none match, defaults maxResults to 100 and caps it at 500', async () => {
    expect((await get('/gmail/v1/users/me/messages?q=is:unread')).json).toEqual({ resultSizeEstimate: 0 });
    for (let i = 0; i < 520; i++) gmail.addMessage({ from: 'a@x', subject: `s${i}`, date: new Date(i * 1000), snippet: '' });
    const first = await get('/gmail/v1/users/me/messages');
    expect(first.json.messages).toHaveLength(100);
    expect(first.json.resultSizeEstimate).toBe(520);
    const capped = await get('/gmail/v1/users/me/messages?maxResults=900');
    expect(capped.json.messages).toHaveLength(500);
    const newest = await get('/gmail/v1/users/me/messages?maxResults=1');
    expect((await get(`/gmail/v1/users/me/messages/${newest.json.messages[0].id}?format=minimal`)).json.internalDate).toBe('519000');
  });

  it('understands is:unread, from:, subject:, quoted phrases, negation and free words', async () => {
    gmail.addMessage({ from: 'Alice <alice@x>', subject: 'Team lunch', date: new Date(3), snippet: 'at noon' });
    gmail.addMessage({ from: 'Bob <bob@x>', subject: 'Budget', date: new Date(2), snippet: 'lunch money', unread: false });
    gmail.addMessage({ from: 'Carol <carol@x>', subject: 'Weekly report', date: new Date(1), snippet: 'numbers' });
    const subjects = async (q: string) => {
      const list = await get(`/gmail/v1/users/me/messages?q=${encodeURIComponent(q)}`);
      const ids: string[] = (list.json.messages ?? []).map((m: { id: string }) => m.id);
      return Promise.all(ids.map(async (id) => (await get(`/gmail/v1/users/me/messages/${id}?format=metadata&metadataHeaders=subject`)).json.payload.headers[0].value));
    };
    expect(await subjects('is:unread')).toEqual(['Team lunch', 'Weekly report']);
    expect(await subjects('lunch')).toEqual(['Team lunch', 'Budget']);
    expect(await subjects('is:unread lunch')).toEqual(['Team lunch']);
    expect(await subjects('from:BOB')).toEqual(['Budget']);
    expect(await subjects('subject:"weekly report"')).toEqual(['Weekly report']);
    expect(await subjects('-from:alice is:unread')).toEqual(['Weekly report']);
    expect(await subjects('older_than:1y is:unread')).toEqual(['Team lunch', 'Weekly report']);
  });

  it('returns only the asked metadata headers, compared case-insensitively, in message order', async () => {
    const { id } = gmail.addMessage({
      from: 'a@x',
      subject: 'hello',
      date: new Date(0),
      snippet: 'x',
      headers: [{ name: 'subject', value: 'second subject' }],
    });
    const answer = await get(`/gmail/v1/users/me/messages/${id}?format=metadata&metadataHeaders=SUBJECT&metadataHeaders=from`);
    expect(answer.json.payload.headers).toEqual([
      { name: 'From', value: 'a@x' },
      { name: 'Subject', value: 'hello' },
      { name: 'subject', value: 'second subject' },
    ]);
    expect((await get('/gmail/v1/users/me/messages/nope')).json.error.code).toBe(404);
  });

  it('answers a batch part by part, echoing Content-IDs and leaving them out where the request had none', async () => {
    const { id } = gmail.addMessage({ from: 'a@x', subject: 'hi', date: new Date(0), snippet: '' });
    const body = [
      '--xyz',
      'Content-Type: application/http',
      'Content-ID: <item-1>',
      '',
      `GET /gmail/v1/users/me/messages/${id}?format=minimal HTTP/1.1`,
      '',
      '--xyz',
      'Content-Type: application/http',
      '',
      'GET /gmail/v1/users/me/profile',
      'Authorization: Bearer other',
      '',
      '--xyz',
      'Content-Type: application/http',
      'Content-ID: <item-3>',
      '',
      'GET /gmail/v1/users/me/messages/missing',
      '',
      '--xyz--',
    ].join('\n');
    const response = await request(`${gmail.url}/batch/gmail/v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'multipart/mixed; boundary=xyz' },
      body,
    });
    const text = await response.body.text();
    const boundary = /boundary=(\S+)/.exec(String(response.headers['content-type']))?.[1];
    expect(boundary).toMatch(/^batch_/);
    const parts = text.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toContain('Content-ID: <response-item-1>');
    expect(parts[0]).toContain('HTTP/1.1 200 OK');
    expect(parts[1]).not.toContain('Content-ID');
    expect(parts[1]).toContain('HTTP/1.1 401'); // the part's own Authorization wins over the outer one
    expect(parts[2]).toContain('Content-ID: <response-item-3>');
    expect(parts[2]).toContain('HTTP/1.1 404 Not Found');
    expect(gmail.innerRequests.map((r) => r.contentId)).toEqual(['item-1', undefined, 'item-3']);
  });

  it('fails, delays and records on demand', async () => {
    gmail.failNext(1, { status: 503, retryAfterSeconds: 4 });
    const failed = await get('/gmail/v1/users/me/profile');
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('4');
    expect(failed.json.error.status).toBe('UNAVAILABLE');
    gmail.setDelay(60);
    const started = performance.now();
    expect((await get('/gmail/v1/users/me/profile')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    expect(gmail.requests.map((r) => r.path)).toEqual(['/gmail/v1/users/me/profile', '/gmail/v1/users/me/profile']);
  });

  it('closes promptly with a hanging request and idle keep-alive sockets open', async () => {
    const other = await startGmailStandin({ tokens: [TOKEN] });
    await request(`${other.url}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.body.text());
    other.hangNext();
    const hanging = request(`${other.url}/gmail/v1/users/me/profile`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
