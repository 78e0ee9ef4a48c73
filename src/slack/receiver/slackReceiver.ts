/**
 * Our own Slack front door, through Bolt's documented `Receiver` extension point: one HTTP server
 * for Slack's requests (POST /slack/events) and the bot's own routes. Every request gets an answer:
 * bodies it refuses get a 4xx with a short reason in milliseconds (and the connection closed when
 * the body was not read to the end), well-formed ones go to Bolt, and one that no listener
 * acknowledges is answered when Bolt is done with it or, at the latest, after Slack's 3 seconds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { App, CustomRoute, Receiver, ReceiverEvent } from '@slack/bolt';
import { match } from 'path-to-regexp';
import type { Logger } from '../../infrastructure/logger.ts';
import { AFTER_ACK, type AfterAck } from '../afterAck.ts';
import { readSlackBody } from './bodyShape.ts';
import { checkSignature } from './signature.ts';

export const SLACK_EVENTS_PATH = '/slack/events';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface SlackReceiverOptions {
  signingSecret: string;
  routes: CustomRoute[];
  logger: Logger;
  port: number;
  bodyLimit?: number;
  /** Slack gives up after 3 s; a request nothing acknowledged is answered just after. */
  ackTimeoutMs?: number;
}

type RouteHandler = (req: IncomingMessage & { params?: Record<string, string> }, res: ServerResponse) => void;

function answer(res: ServerResponse, status: number, body?: string | object, close = false) {
  if (res.headersSent) return;
  const headers: Record<string, string> = {};
  if (close) headers.connection = 'close';
  if (body === undefined || body === '') {
    res.writeHead(status, headers).end();
  } else if (typeof body === 'string') {
    res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(body);
  } else {
    res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

/** Resolves with the body, or undefined once it passed `limit` (the rest is left unread). */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', () => resolve(undefined));
  });
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export class SlackReceiver implements Receiver {
  private app: App | undefined;
  private server: Server | undefined;
  private readonly options: SlackReceiverOptions;
  private readonly routes: Array<{ method: string; matches: (path: string) => false | { params: object }; handler: RouteHandler }>;

  constructor(options: SlackReceiverOptions) {
    this.options = options;
    this.routes = options.routes.flatMap((route) =>
      (Array.isArray(route.method) ? route.method : [route.method]).map((method) => ({
        method: method.toUpperCase(),
        matches: match(route.path, { decode: decodeURIComponent }),
        handler: route.handler as unknown as RouteHandler,
      })),
    );
  }

  init(app: App): void {
    this.app = app;
  }

  start(listen?: number | { port?: number; backlog?: number }): Promise<Server> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    const options = typeof listen === 'object' ? { port: this.options.port, ...listen } : { port: listen ?? this.options.port };
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      answer(res, 400, 'malformed request target', true);
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === SLACK_EVENTS_PATH && method === 'POST') {
      this.handleSlack(req, res).catch((err: unknown) => {
        this.options.logger.error({ err }, 'the Slack front door failed on a request');
        answer(res, 400, 'request could not be read', true);
      });
      return;
    }
    for (const route of this.routes) {
      if (route.method !== method) continue;
      let found: false | { params: object };
      try {
        found = route.matches(path);
      } catch {
        answer(res, 400, 'malformed path', true);
        return;
      }
      if (found) {
        route.handler(Object.assign(req, { params: found.params as Record<string, string> }), res);
        return;
      }
    }
    this.options.logger.info({ method, path }, 'no route for a request');
    answer(res, 404, 'not found');
  }

  private async handleSlack(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const log = this.options.logger;
    const raw = await readLimited(req, this.options.bodyLimit ?? DEFAULT_BODY_LIMIT);
    if (!raw) {
      log.warn('refused a Slack request whose body was over the size limit');
      // The rest of the body stays unread: close the connection rather than leave it on a kept-alive socket.
      answer(res, 413, 'body too large', true);
      res.once('finish', () => req.destroy());
      return;
    }
    const text = raw.toString('utf8');
    const read = readSlackBody(header(req, 'content-type'), text);
    // ssl_check carries nothing to act on; Slack sends it unsigned.
    if (read.kind === 'ssl_check') return answer(res, 200);
    const signature = checkSignature(this.options.signingSecret, { signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp') }, raw);
    if (!signature.ok) {
      log.warn({ reason: signature.reason }, 'refused a Slack request with a bad signature');
      return answer(res, 401, 'invalid signature');
    }
    if (read.kind === 'refused') {
      log.warn({ reason: read.reason }, 'refused a malformed Slack request');
      return answer(res, 400, read.reason);
    }
    if (read.kind === 'url_verification') return answer(res, 200, { challenge: read.challenge });
    if (read.kind === 'app_rate_limited') {
      log.warn('Slack reports the app over its Events API rate limit');
      return answer(res, 200);
    }
    await this.dispatch(req, res, read.body);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const log = this.options.logger;
    let acked = false;
    const timeout = setTimeout(() => {
      if (acked) return;
      acked = true;
      log.warn('a Slack request was not acknowledged within 3 seconds; answered for it');
      answer(res, 404, 'not acknowledged');
    }, this.options.ackTimeoutMs ?? 3_001);
    const checks: Array<() => Promise<void>> = [];
    const ack: ReceiverEvent['ack'] = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      clearTimeout(timeout);
      if (response === undefined || response === '' || response === null) answer(res, 200);
      else answer(res, 200, response as string | object);
      // Sent: now what middleware left for after the ack (afterAck.ts) decides whether the work runs.
      for (const check of checks) await check();
    };
    const afterAck: AfterAck = (check) => {
      checks.push(check);
    };
    const retryNum = Number.parseInt(header(req, 'x-slack-retry-num') ?? '', 10);
    const retryReason = header(req, 'x-slack-retry-reason');
    const event: ReceiverEvent = {
      body,
      ack,
      ...(Number.isNaN(retryNum) ? {} : { retryNum }),
      ...(retryReason === undefined ? {} : { retryReason }),
      customProperties: { [AFTER_ACK]: afterAck },
    };
    try {
      await this.app?.processEvent(event);
    } catch (err) {
      // Listeners' own failures reach app.error; what is left here is Bolt refusing the request.
      log.warn({ err }, 'Bolt could not process a Slack request');
      if (!acked) {
        acked = true;
        clearTimeout(timeout);
        answer(res, 400, 'request could not be processed');
      }
      return;
    }
    // Bolt has run every listener: a request none of them acknowledged has no taker.
    if (!acked) {
      acked = true;
      clearTimeout(timeout);
      log.info('no listener took a Slack request');
      answer(res, 404, 'no handler for this request');
    }
  }
}
