/**
 * GmailModifyClient over undici's MockAgent: the batchModify
 * request, chunking, retries and the coded errors. The Gmail stand-in has no batchModify route yet.
 */
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GmailModifyClient, MAX_IDS_PER_CALL } from '../../../src/connectors/gmail/markAsRead.ts';
import { BadInputError, RateLimitedError, UpstreamUnauthorizedError, UpstreamUnavailableError } from '../../../src/core/errors.ts';

const BASE = 'https://gmail.test';
const PATH = '/gmail/v1/users/me/messages/batchModify';
const googleError = (code: number, reason: string) => ({ error: { code, message: reason, errors: [{ reason, domain: 'global' }], status: 'X' } });

let agent: MockAgent;
let sleeps: number[];
let bodies: unknown[];
let client: GmailModifyClient;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  sleeps = [];
  bodies = [];
  client = new GmailModifyClient({
    baseUrl: `${BASE}/`,
    dispatcher: agent,
    retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 10_000 },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
});

afterEach(async () => {
  await agent.close();
});

function intercept(status: number, body: object | string = '', headers: Record<string, string> = {}) {
  agent
    .get(BASE)
    .intercept({
      path: PATH,
      method: 'POST',
      headers: { authorization: 'Bearer token', 'content-type': /application\/json/ },
    })
    .reply((options) => {
      bodies.push(JSON.parse(String(options.body)));
      return { statusCode: status, data: body, responseOptions: { headers } };
    });
}

describe('GmailModifyClient.markAsRead', () => {
  it('removes the UNREAD label from the messages in one batchModify call', async () => {
    intercept(204);
    await client.markAsRead('token', ['18c1', '18c2', '18c1']);
    expect(bodies).toEqual([{ ids: ['18c1', '18c2'], removeLabelIds: ['UNREAD'] }]);
  });

  it('makes no call for no ids, and one call per 1000 ids', async () => {
    await client.markAsRead('token', []);
    expect(bodies).toEqual([]);
    intercept(204);
    intercept(204);
    await client.markAsRead('token', Array.from({ length: MAX_IDS_PER_CALL + 1 }, (_, i) => `id${i}`));
    expect(bodies.map((b) => (b as { ids: string[] }).ids.length)).toEqual([MAX_IDS_PER_CALL, 1]);
  });

  it('refuses something that is not a message id before sending anything', async () => {
    await expect(client.markAsRead('token', ['../../profile'])).rejects.toBeInstanceOf(BadInputError);
  });

  it('retries 429 after Retry-After and 5xx with backoff', async () => {
    intercept(429, googleError(429, 'rateLimitExceeded'), { 'retry-after': '3' });
    intercept(503, googleError(503, 'backendError'));
    intercept(204);
    await client.markAsRead('token', ['a']);
    expect(sleeps).toEqual([3_000, 100]);
  });

  it('ends in RateLimitedError or UpstreamUnavailableError when the failures outlast the retries', async () => {
    for (let i = 0; i < 3; i++) intercept(429, googleError(429, 'rateLimitExceeded'), { 'retry-after': '1' });
    await expect(client.markAsRead('token', ['a'])).rejects.toBeInstanceOf(RateLimitedError);
    for (let i = 0; i < 3; i++) intercept(500, googleError(500, 'backendError'));
    await expect(client.markAsRead('token', ['a'])).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('reports 401, and a token without gmail.modify, as unauthorized without retrying', async () => {
    intercept(401, googleError(401, 'authError'));
    await expect(client.markAsRead('token', ['a'])).rejects.toBeInstanceOf(UpstreamUnauthorizedError);
    intercept(403, googleError(403, 'insufficientPermissions'));
    await expect(client.markAsRead('token', ['a'])).rejects.toBeInstanceOf(UpstreamUnauthorizedError);
    expect(bodies).toHaveLength(2);
  });

  it('does not retry other refusals', async () => {
    intercept(400, googleError(400, 'invalidArgument'));
    const error = await client.markAsRead('token', ['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as Error).message).toMatch(/marking messages read was refused with HTTP 400 \(invalidArgument\)/);
    expect(bodies).toHaveLength(1);
  });
});
