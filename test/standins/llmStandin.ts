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
  /** Answer only once this settles (see LlmStandin.holdQueued). */
  gate?: Promise<unknown>;
  /** What the request this reply answers must carry (a recorded conversation's turn); else it is answered 400. */
  expect?: TurnExpectation;
}

/** One turn of a recorded tool-calling conversation: what the bot must send, and the model's answer. */
export interface TurnExpectation {
  /** Tools that must be declared, each with a JSON schema of type object. */
  tools?: string[];
  /** The user's message contains this. */
  userSays?: string;
  /** The request ends with the tool result for this call id (after the assistant message that made it)… */
  toolResultFor?: string;
  /** …whose content contains this. */
  toolResultContains?: string;
}

export interface RecordedLlmRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string | null; tool_call_id?: string; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> }>;
    tools?: Array<{ type?: string; function: { name: string; parameters: unknown } }>;
  } & Record<string, unknown>;
}

export interface LlmStandin {
  /** The base URL to configure as LLM_BASE_URL (ends with /v1). */
  url: string;
  requests: RecordedLlmRequest[];
  reply(reply: LlmReply): void;
  replyWithFixture(name: string): void;
  /** Queues every turn of a recorded conversation (`{turns: [{expect, answer}]}` in test/fixtures/llm). */
  replayConversation(name: string): void;
  /**
   * The reply queued at `position` (0: the next one) is answered only when the returned function is
   * called: its request is recorded at once, so a test can act while the bot waits on the model.
   */
  holdQueued(position: number): () => void;
  /** What requests broke the protocol or a recorded turn's expectation (answered 400). */
  problems: string[];
  /** Forgets queued replies, recorded requests and problems (between tests). */
  reset(): void;
  /** Requests whose client gave up (closed the connection) before the answer. */
  abandoned: number;
  close(): Promise<void>;
}

const FIXTURES = join(import.meta.dirname, '../fixtures/llm');

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
}

export async function startLlmStandin(): Promise<LlmStandin> {
  const requests: RecordedLlmRequest[] = [];
  const replies: LlmReply[] = [];
  const problems: string[] = [];
  let abandoned = 0;
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
    const wrong = [...protocolProblems(body), ...(reply.expect ? expectationProblems(body, reply.expect) : [])];
    if (wrong.length > 0) {
      problems.push(...wrong);
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: wrong.join('; '), type: 'invalid_request_error' } }));
    }
    if (reply.hang) {
      res.on('close', () => void abandoned++);
      return;
    }
    if (reply.gate) await reply.gate;
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
    replayConversation: (name) => {
      const recorded = fixture(name) as { turns: Array<{ expect?: TurnExpectation; answer: unknown }> };
      for (const turn of recorded.turns) replies.push({ body: turn.answer, ...(turn.expect ? { expect: turn.expect } : {}) });
    },
    holdQueued: (position) => {
      const reply = replies[position];
      if (!reply) throw new Error(`no reply queued at ${position}`);
      let release!: () => void;
      reply.gate = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
    problems,
    reset: () => {
      replies.length = 0;
      requests.length = 0;
      problems.length = 0;
    },
    get abandoned() {
      return abandoned;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * What OpenAI's API refuses: tools without a function name or a JSON-schema object, an assistant's
 * tool call left without its tool result (or a result for no call), a tool message without its id.
 */
function protocolProblems(body: RecordedLlmRequest['body']): string[] {
  const problems: string[] = [];
  for (const tool of body.tools ?? []) {
    const parameters = tool.function?.parameters as { type?: unknown } | undefined;
    if (tool.type !== 'function' || !tool.function?.name || parameters?.type !== 'object') problems.push(`tool ${tool.function?.name ?? '?'} is not declared with a JSON schema`);
  }
  const messages = body.messages ?? [];
  messages.forEach((message, index) => {
    if (message.role === 'tool' && !message.tool_call_id) problems.push(`message ${index} is a tool result without tool_call_id`);
    if (message.role !== 'assistant' || !message.tool_calls?.length) return;
    const answered = new Set<string>();
    for (const next of messages.slice(index + 1)) {
      if (next.role !== 'tool') break;
      answered.add(next.tool_call_id ?? '');
    }
    for (const call of message.tool_calls) if (!answered.has(call.id)) problems.push(`tool call ${call.id} has no tool result right after it`);
  });
  return problems;
}

function expectationProblems(body: RecordedLlmRequest['body'], expect: TurnExpectation): string[] {
  const problems: string[] = [];
  const messages = body.messages ?? [];
  const declared = new Set((body.tools ?? []).map((tool) => tool.function?.name));
  for (const name of expect.tools ?? []) if (!declared.has(name)) problems.push(`tool ${name} is not declared`);
  if (expect.userSays && !messages.some((m) => m.role === 'user' && (m.content ?? '').includes(expect.userSays!))) problems.push(`no user message says ${expect.userSays}`);
  if (expect.toolResultFor) {
    const result = messages.findLast((m) => m.role === 'tool' && m.tool_call_id === expect.toolResultFor);
    if (!result) problems.push(`no tool result for ${expect.toolResultFor}`);
    else if (expect.toolResultContains && !(result.content ?? '').includes(expect.toolResultContains)) problems.push(`the tool result for ${expect.toolResultFor} lacks ${expect.toolResultContains}`);
  }
  return problems;
}
