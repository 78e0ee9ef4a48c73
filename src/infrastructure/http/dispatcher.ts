/**
 * The one undici Agent for calls to upstream APIs (Gmail, Slack, ...). The composition root creates
 * it and passes it to the clients, so connections are reused across requests (keep-alive), each
 * origin gets a bounded number of sockets, and every phase of a request has a timeout: nothing hangs.
 */
import { Agent } from 'undici';

export interface UpstreamAgentOptions {
  /** Sockets per origin; more requests queue. Keeps one busy user from exhausting the host. */
  connectionsPerOrigin?: number;
  /** TCP + TLS handshake. */
  connectTimeoutMs?: number;
  /** From sending the request to the response headers. */
  headersTimeoutMs?: number;
  /** Longest silence while reading a response body. */
  bodyTimeoutMs?: number;
  /** How long an idle keep-alive socket is kept, unless the server asks for less. */
  keepAliveTimeoutMs?: number;
}

export const UPSTREAM_AGENT_DEFAULTS: Required<UpstreamAgentOptions> = {
  // Bounded, but not the bottleneck: at 40 ms a request, 128 connections carry about 3,000 requests a second.
  connectionsPerOrigin: 128,
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 15_000,
  keepAliveTimeoutMs: 30_000,
};

export function createUpstreamDispatcher(options: UpstreamAgentOptions = {}): Agent {
  const settings = { ...UPSTREAM_AGENT_DEFAULTS, ...definedOnly(options) };
  return new Agent({
    connections: settings.connectionsPerOrigin,
    connect: { timeout: settings.connectTimeoutMs },
    headersTimeout: settings.headersTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    // A server's keep-alive hint is followed up to a minute: idle sockets behind NATs die silently.
    keepAliveMaxTimeout: Math.max(settings.keepAliveTimeoutMs, 60_000),
  });
}

/** So that `{ connectTimeoutMs: undefined }` (an unset config value) keeps the default. */
function definedOnly(options: UpstreamAgentOptions): UpstreamAgentOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
