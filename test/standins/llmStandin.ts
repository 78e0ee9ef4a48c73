/**
 * An OpenAI-compatible chat-completions stand-in: a real HTTP server on 127.0.0.1 that answers
 * `POST /v1/chat/completions` with queued answers (fixture files or inline), and records what it
 * was sent, so the client is tested over real sockets without a model.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface LlmReply {
  status?: number;
  /** An object is sent as JSON; a string as it is (to send malformed bodies). */
  body: unknown;
  /** Never answer this request. */
  hang?: boolean;
}

export interface RecordedLlmRequest {
  path: string;
  authorization: string | undefined;
  body: { model?: string; messages?: Array<{ role: string; content: string }>; tools?: Array<{ function: { name: string; parameters: unknown } }> } & Record<string, unknown>;
}

export interface LlmStandin {
  /** The base URL to configure as LLM_BASE_URL (ends with /v1). */
  url: string;
  requests: RecordedLlmRequest[];
  reply(reply: LlmReply): void;
  replyWithFixture(name: string): void;
  close(): Promise<void>;
}

const FIXTURES = join(import.meta.dirname, '../fixtures/llm');

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
}

export async function startLlmStandin(): Promise<LlmStandin> {
  const requests: RecordedLlmRequest[] = [];
  const replies: LlmReply[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: RecordedLlmRequest['body'] = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // recorded as empty: the test asserts on what it expects
    }
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    requests.push({ path, authorization: req.headers.authorization, body });
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: 'Not found', type: 'invalid_request_error' } }));
    }
    const reply = replies.shift() ?? { status: 500, body: { error: { message: 'no reply queued', type: 'server_error' } } };
    if (reply.hang) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (reply) => void replies.push(reply),
    replyWithFixture: (name) => void replies.push({ body: fixture(name) }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
