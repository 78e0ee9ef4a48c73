/**
 * GmailReadClient against the Gmail stand-in over real sockets: searching the whole mailbox
 * (messages.list with q, then messages.get with metadata per hit) and reading one email's text
 * (messages.get with format=full), with the coded errors, and Stop aborting the request in flight.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GmailReadClient, MAX_TEXT } from '../../../src/connectors/gmail/readMessages.ts';
import { BadInputError, StoppedError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../../src/core/errors.ts';
import { startGmailStandin, type GmailStandin } from '../../standins/gmailStandin.ts';

const TOKEN = 'ya29.read-test';
let gmail: GmailStandin;
let client: GmailReadClient;

beforeAll(async () => {
  gmail = await startGmailStandin({ tokens: [TOKEN] });
  client = new GmailReadClient({ baseUrl: `${gmail.url}/`, requestTimeoutMs: 2_000 });
});
afterAll(async () => {
  await gmail.close();
});
beforeEach(() => {
  gmail.reset();
  gmail.allowToken(TOKEN);
});

describe('GmailReadClient', () => {
  it('searches read and unread mail with Gmail search terms, newest first, with sender, subject and snippet', async () => {
    gmail.addMessage({ id: 'old0000000000001', from: 'Alice <alice@example.com>', subject: 'Team offsite', date: new Date('2026-11-20T10:00:00Z'), snippet: 'How about &quot;Friday&quot;?', unread: false });
    gmail.addMessage({ id: 'new0000000000002', from: 'Alice <alice@example.com>', subject: 'Offsite: the venue', date: new Date('2026-11-25T10:00:00Z'), snippet: 'venue' });
    gmail.addMessage({ from: 'Bob <bob@example.com>', subject: 'Team offsite', date: new Date('2026-11-26T10:00:00Z'), snippet: 'me too' });
    const found = await client.search(TOKEN, { q: 'from:alice subject:offsite', max: 5 });
    expect(found.map((email) => [email.id, email.subject, email.snippet])).toEqual([
      ['new0000000000002', 'Offsite: the venue', 'venue'],
      ['old0000000000001', 'Team offsite', 'How about "Friday"?'],
    ]);
    const list = gmail.requests.find((r) => r.path === '/gmail/v1/users/me/messages')!;
    expect(list.query.get('q')).toBe('from:alice subject:offsite');
    expect(list.query.get('maxResults')).toBe('5');
    const gets = gmail.requests.filter((r) => r.path.startsWith('/gmail/v1/users/me/messages/'));
    expect(gets.map((r) => r.query.get('format'))).toEqual(['metadata', 'metadata']);
  });

  it('finds nothing without reading anything more', async () => {
    expect(await client.search(TOKEN, { q: 'from:nobody', max: 5 })).toEqual([]);
    expect(gmail.requests).toHaveLength(1);
  });

  it("reads one email's text from its text/plain body", async () => {
    gmail.addMessage({
      id: 'offsite000000001', from: '=?UTF-8?B?QWxpY2Ugw4Fsdg==?= <alice@example.com>', subject: 'Team offsite', date: new Date('2026-11-20T10:00:00Z'), snippet: 'How about',
      text: 'Hi all,\r\nHow about Friday 10 December? Bring hiking boots — and snacks.\r\nAlice',
    });
    const email = await client.read(TOKEN, 'offsite000000001');
    expect(email).toMatchObject({ id: 'offsite000000001', from: 'Alice Álv <alice@example.com>', subject: 'Team offsite', truncated: false });
    expect(email.text).toBe('Hi all,\nHow about Friday 10 December? Bring hiking boots — and snacks.\nAlice');
    expect(gmail.requests.at(-1)?.query.get('format')).toBe('full');
  });

  it('cuts a long body, and falls back to the snippet when there is no text part', async () => {
    gmail.addMessage({ id: 'long000000000001', from: 'a@example.com', subject: 'Long', date: new Date(), snippet: 's', text: 'x'.repeat(MAX_TEXT + 10) });
    gmail.addMessage({ id: 'bare000000000001', from: 'a@example.com', subject: 'Bare', date: new Date(), snippet: 'Only a &amp; snippet' });
    const long = await client.read(TOKEN, 'long000000000001');
    expect(long.text).toHaveLength(MAX_TEXT);
    expect(long.truncated).toBe(true);
    expect((await client.read(TOKEN, 'bare000000000001')).text).toBe('Only a & snippet');
  });

  it('refuses an id that is not a Gmail id before any request', async () => {
    await expect(client.read(TOKEN, '../profile')).rejects.toBeInstanceOf(BadInputError);
    expect(gmail.requests).toEqual([]);
  });

  it('answers 401 as unauthorized and a missing email as unavailable', async () => {
    await expect(client.read('ya29.unknown', 'offsite000000001')).rejects.toBeInstanceOf(UpstreamUnauthorizedError);
    await expect(client.read(TOKEN, 'missing000000001')).rejects.toThrow(new UpstreamUnavailableError('Gmail', 'reading the email was refused with HTTP 404 (notFound)'));
  });

  it('gives up the request in flight when the user stops', async () => {
    gmail.addMessage({ id: 'held000000000001', from: 'a@example.com', subject: 'Held', date: new Date(), snippet: 's', text: 'never read' });
    const release = gmail.hold();
    try {
      const stop = new AbortController();
      const reading = client.read(TOKEN, 'held000000000001', stop.signal);
      await until(() => gmail.inFlight === 1);
      stop.abort();
      await expect(reading).rejects.toBeInstanceOf(StoppedError);
    } finally {
      release();
    }
  });
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
