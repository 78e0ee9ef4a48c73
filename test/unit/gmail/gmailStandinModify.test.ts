/** The Gmail stand-in's batchModify follows Gmail's contract: 204, labels changed, scope enforced. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmailModifyClient } from '../../../src/connectors/gmail/markAsRead.ts';
import { UpstreamUnauthorizedError } from '../../../src/core/errors.ts';
import { startGmailStandin, type GmailStandin } from '../../standins/gmailStandin.ts';

let gmail: GmailStandin;
beforeAll(async () => {
  gmail = await startGmailStandin({ tokens: ['ya29.modify'] });
});
afterAll(() => gmail.close());

describe('Gmail stand-in batchModify', () => {
  it('marks messages read for a token with the modify scope', async () => {
    const message = gmail.addMessage({ from: 'a@example.com', subject: 'x', date: new Date(), snippet: 'y' });
    await new GmailModifyClient({ baseUrl: gmail.url }).markAsRead('ya29.modify', [message.id]);
    const listed = await fetch(`${gmail.url}/gmail/v1/users/me/messages?q=is:unread`, { headers: { authorization: 'Bearer ya29.modify' } });
    expect(((await listed.json()) as { messages?: unknown[] }).messages).toBeUndefined();
  });

  it('refuses a read-only token as Gmail does, which the client reports as a refused token', async () => {
    gmail.allowReadOnlyToken('ya29.readonly');
    const message = gmail.addMessage({ from: 'a@example.com', subject: 'x', date: new Date(), snippet: 'y' });
    await expect(new GmailModifyClient({ baseUrl: gmail.url }).markAsRead('ya29.readonly', [message.id])).rejects.toBeInstanceOf(UpstreamUnauthorizedError);
  });
});
