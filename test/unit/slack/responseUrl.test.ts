import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResponder, ResponseUrlError } from '../../../src/slack/responseUrl.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

describe('createResponder', () => {
  let server: Server;
  let base: string;
  let handler: Handler = (_req, _body, res) => res.writeHead(200).end('ok');
  const dispatcher = new Agent({ connections: 4 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dispatcher.close();
  });

  it('posts the message as JSON to the response_url', async () => {
    const seen: Array<{ method?: string; url?: string; type?: string; body: unknown }> = [];
    handler = (req, body, res) => {
      seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200).end('ok');
    };
    const message = { text: 'Your unread email', response_type: 'ephemeral' as const, replace_original: false };
    await createResponder(dispatcher)(`${base}/commands/T1/123/secretpart`)(message);
    expect(seen).toEqual([{ method: 'POST', url: '/commands/T1/123/secretpart', type: 'application/json; charset=utf-8', body: message }]);
  });

  it('throws with the status when Slack refuses the post (an expired or used-up URL)', async () => {
    handler = (_req, _body, res) => res.writeHead(404).end('expired_url');
    const post = createResponder(dispatcher)(`${base}/commands/T1/123/secretpart`)({ text: 'hi' });
    await expect(post).rejects.toBeInstanceOf(ResponseUrlError);
    await expect(post).rejects.toMatchObject({ status: 404 });
  });

  it('gives up after its deadline instead of hanging (the test times out otherwise), without naming the URL', async () => {
    handler = () => {}; // never answers
    const error = await createResponder(dispatcher, { timeoutMs: 200 })(`${base}/commands/T1/123/secretpart`)({ text: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseUrlError);
    expect((error as Error).message).toMatch(/did not answer within 200 ms/);
    expect((error as Error).message).not.toContain('secretpart');
  });

  it('says the URL could not be reached when nothing listens there', async () => {
    const failed = await createResponder(dispatcher)('http://127.0.0.1:1/commands/x')({ text: 'hi' }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ResponseUrlError);
    expect((failed as Error).message).toBe('the response_url could not be reached');
  });
});
