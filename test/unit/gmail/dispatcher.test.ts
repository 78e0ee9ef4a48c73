/** The shared upstream Agent: its timeouts end requests to a server that never answers. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamDispatcher } from '../../../src/infrastructure/http/dispatcher.ts';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow-body') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial'); // and never the rest
    } else if (req.url === '/ok') {
      res.end('ok');
    } // anything else: never answered
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createUpstreamDispatcher', () => {
  it('ends a request whose headers never come', async () => {
    const agent = createUpstreamDispatcher({ headersTimeoutMs: 100 });
    try {
      await expect(request(`${url}/hang`, { dispatcher: agent })).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
    } finally {
      await agent.destroy();
    }
  });

  it('ends a body that stops flowing', async () => {
    const agent = createUpstreamDispatcher({ bodyTimeoutMs: 100 });
    try {
      const response = await request(`${url}/slow-body`, { dispatcher: agent });
      await expect(response.body.text()).rejects.toBeInstanceOf(errors.BodyTimeoutError);
    } finally {
      await agent.destroy();
    }
  });

  it('reuses a kept-alive connection, and keeps defaults for unset options', async () => {
    const agent = createUpstreamDispatcher({ connectTimeoutMs: undefined });
    const sockets = new Set<unknown>();
    const track = (socket: unknown) => void sockets.add(socket);
    server.on('connection', track);
    try {
      for (let i = 0; i < 6; i++) expect(await (await request(`${url}/ok`, { dispatcher: agent })).body.text()).toBe('ok');
      // undici may open a second socket while the first is still being released, then reuses them.
      expect(sockets.size).toBeLessThanOrEqual(2);
    } finally {
      server.off('connection', track);
      await agent.close();
    }
  });
});
