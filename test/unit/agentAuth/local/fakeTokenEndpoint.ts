/**
 * A token endpoint for unit tests: a loopback HTTP server that answers form-encoded token requests
 * with numbered tokens, records each request, and can be told to fail, slow down, or rotate refresh
 * tokens. The integration tests use oauth2-mock-server instead.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  contentType: string | undefined;
  form: Record<string, string>;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

export interface FakeTokenEndpoint {
  url: string;
  requests: TokenRequest[];
  /** The next answers, in order, instead of a token. */
  failNext(...answers: FakeAnswer[]): void;
  setDelay(ms: number): void;
  /** Give a new refresh token with every refresh. */
  setRotation(rotate: boolean): void;
  setScope(scope: string | undefined): void;
  close(): Promise<void>;
}

export async function startFakeTokenEndpoint(): Promise<FakeTokenEndpoint> {
  const requests: TokenRequest[] = [];
  let queued: FakeAnswer[] = [];
  let delayMs = 0;
  let rotate = false;
  let scope: string | undefined = 'https://www.googleapis.com/auth/gmail.readonly';
  let issued = 0;

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push({ contentType: req.headers['content-type'], form });
      const answer = queued.shift() ?? tokenAnswer(form);
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      }, delayMs);
    });
  });

  function tokenAnswer(form: Record<string, string>): FakeAnswer {
    issued += 1;
    const fresh = form.grant_type === 'authorization_code' || rotate;
    return {
      status: 200,
      body: {
        access_token: `access-${issued}`,
        token_type: 'Bearer',
        expires_in: 3600,
        ...(fresh ? { refresh_token: `refresh-${issued}` } : {}),
        ...(scope === undefined ? {} : { scope }),
      },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    requests,
    failNext: (...answers) => void queued.push(...answers),
    setDelay: (ms) => void (delayMs = ms),
    setRotation: (value) => void (rotate = value),
    setScope: (value) => void (scope = value),
    close: () => {
      queued = [];
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
