/**
 * A one-route HTTP proxy that holds every request for the bench's fixed delay before passing it on,
 * for an upstream stand-in that has no delay of its own (the OAuth provider's token endpoint), so
 * that every upstream the bot calls costs the same per round trip.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

export interface DelayingProxy {
  /** Send here what would go to the target URL. */
  url: string;
  close(): Promise<void>;
}

export async function startDelayingProxy(target: string, delayMs: number): Promise<DelayingProxy> {
  const agent = new Agent({ connections: 256 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        if (delayMs > 0) await sleep(delayMs);
        const answer = await request(target, {
          method: (req.method ?? 'POST') as 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
          body: Buffer.concat(chunks),
          dispatcher: agent,
        });
        const body = await answer.body.text();
        res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
        res.end(body);
      } catch {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${new URL(target).pathname}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    },
  };
}
