/**
 * Watches the stand-ins' servers (which run in this process) through node:diagnostics_channel,
 * without touching their code: when each upstream request starts and when its answer is sent, and
 * how many TCP connections each stand-in accepted. From this come the completion time of a command
 * (its response_url post answered), the number of sequential round trips on a command's critical
 * path, and connection churn (connections opened per request).
 *
 * HTTP/1.1 (Slack, Gmail, Scalekit's /oauth/token) uses the `http.server.*` channels; Scalekit's
 * gRPC is HTTP/2 (`http2.server.stream.*`). Requests are told apart by the local port they arrived on.
 */
import dc from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';

export type Service = 'scalekit' | 'gmail' | 'slack';

export interface UpstreamRequest {
  service: Service;
  /** e.g. `GET /gmail/v1/users/me/messages`, `POST /response/b-12`, `POST /scalekit.v1...`. */
  label: string;
  /** performance.now() when the request's headers arrived, and when its answer was sent. */
  start: number;
  end: number;
}

interface Open {
  service: Service;
  label: string;
  start: number;
}

export class UpstreamTrace {
  readonly requests: UpstreamRequest[] = [];
  /** TCP connections accepted, per stand-in. */
  readonly connections: Record<Service, number> = { scalekit: 0, gmail: 0, slack: 0 };
  private readonly ports = new Map<number, Service>();
  private readonly open = new WeakMap<object, Open>();
  private readonly listeners = new Set<(request: UpstreamRequest) => void>();
  private readonly subscriptions: Array<[string, (message: unknown) => void]> = [];

  /** Starts watching requests that arrive on `port` as `service`. */
  watch(port: number, service: Service): void {
    this.ports.set(port, service);
  }

  start(): void {
    this.on('http.server.request.start', ({ request, response, socket }: { request: IncomingMessage; response: ServerResponse; socket: Socket }) => {
      const service = this.ports.get(socket.localPort ?? -1);
      if (service) this.open.set(response, { service, label: `${request.method} ${pathOf(request.url)}`, start: performance.now() });
    });
    this.on('http.server.response.finish', ({ response }: { response: ServerResponse }) => this.finish(response));
    this.on('http2.server.stream.start', ({ stream, headers }: { stream: ServerHttp2Stream; headers: Record<string, unknown> }) => {
      const service = this.ports.get(stream.session?.socket?.localPort ?? -1);
      if (service) this.open.set(stream, { service, label: `${String(headers[':method'])} ${String(headers[':path'])}`, start: performance.now() });
    });
    this.on('http2.server.stream.finish', ({ stream }: { stream: ServerHttp2Stream }) => this.finish(stream));
    this.on('net.server.socket', ({ socket }: { socket: Socket }) => {
      const service = this.ports.get(socket.localPort ?? -1);
      if (service) this.connections[service] += 1;
    });
  }

  stop(): void {
    for (const [name, listener] of this.subscriptions.splice(0)) dc.unsubscribe(name, listener);
    this.listeners.clear();
  }

  /** Called with every upstream request as its answer is sent; returns a function that stops it. */
  onFinish(listener: (request: UpstreamRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Requests that started in [from, to] (performance.now() times). */
  between(from: number, to: number): UpstreamRequest[] {
    return this.requests.filter((request) => request.start >= from && request.start <= to);
  }

  /** Forgets recorded requests (connection counts stay: they are read as differences). */
  clear(): void {
    this.requests.length = 0;
  }

  private finish(key: object): void {
    const opened = this.open.get(key);
    if (!opened) return;
    this.open.delete(key);
    const request = { ...opened, end: performance.now() };
    this.requests.push(request);
    for (const listener of this.listeners) listener(request);
  }

  private on<T>(name: string, handler: (message: T) => void): void {
    const listener = (message: unknown) => handler(message as T);
    dc.subscribe(name, listener);
    this.subscriptions.push([name, listener]);
  }
}

/**
 * The critical path of a command: the longest chain of upstream requests in which each one started
 * only after the previous one was answered (requests that overlap, i.e. run in parallel, add one
 * link, not one each). `roundTrips` is its length; `upstreamMs` the time the upstreams spent
 * answering the requests on it, so that the caller's own time is the rest of the end-to-end time.
 */
export function criticalPath(requests: readonly UpstreamRequest[]): { roundTrips: number; upstreamMs: number; chain: UpstreamRequest[] } {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  const spent: number[] = [];
  const previous: number[] = [];
  sorted.forEach((request, j) => {
    let best = -1;
    for (let i = 0; i < j; i++) {
      if (sorted[i]!.end > request.start) continue;
      if (best === -1 || depth[i]! > depth[best]! || (depth[i] === depth[best] && spent[i]! > spent[best]!)) best = i;
    }
    depth.push(best === -1 ? 1 : depth[best]! + 1);
    spent.push((best === -1 ? 0 : spent[best]!) + (request.end - request.start));
    previous.push(best);
  });
  let last = -1;
  depth.forEach((d, i) => {
    if (last === -1 || d > depth[last]! || (d === depth[last] && spent[i]! > spent[last]!)) last = i;
  });
  if (last === -1) return { roundTrips: 0, upstreamMs: 0, chain: [] };
  const chain: UpstreamRequest[] = [];
  for (let i = last; i !== -1; i = previous[i]!) chain.unshift(sorted[i]!);
  return { roundTrips: depth[last]!, upstreamMs: spent[last]!, chain };
}

export function countByService(requests: readonly UpstreamRequest[]): Record<Service, number> {
  const counts: Record<Service, number> = { scalekit: 0, gmail: 0, slack: 0 };
  for (const request of requests) counts[request.service] += 1;
  return counts;
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}
