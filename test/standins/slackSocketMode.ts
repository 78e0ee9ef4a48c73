/**
 * Slack's Socket Mode side for tests: a WebSocket server that greets the app with `hello`, sends
 * envelopes (slash commands, events) and collects the app's acknowledgements, as Slack's public
 * Socket Mode protocol describes. The Web API stand-in answers apps.connections.open with its URL.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Ack {
  envelope_id: string;
  payload?: unknown;
}

export interface SocketModeStandin {
  /** The wss-style URL apps.connections.open hands out (ws:// on loopback). */
  url: string;
  /** Resolves once an app has connected and been greeted. */
  connected(): Promise<void>;
  /**
   * Sends an envelope and returns its id at once, without waiting: the app's acknowledgement, if
   * any, lands in `acks`, so a test can check it carried that id (rather than relying on `send`).
   */
  post(type: 'slash_commands' | 'events_api' | 'interactive', payload: unknown): string;
  /** Every acknowledgement the app sent, in arrival order, whatever envelope id it named. */
  readonly acks: Ack[];
  /** Sends an envelope and resolves with the app's acknowledgement of it. */
  send(type: 'slash_commands' | 'events_api' | 'interactive', payload: unknown, timeoutMs?: number): Promise<Ack>;
  close(): Promise<void>;
}

export async function startSocketModeStandin(appId = 'A0APP'): Promise<SocketModeStandin> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  let socket: WebSocket | undefined;
  let onConnected: (() => void) | undefined;
  const connectedOnce = new Promise<void>((resolve) => (onConnected = resolve));
  const pendingAcks = new Map<string, (ack: Ack) => void>();
  const acks: Ack[] = [];
  const envelope = (envelopeId: string, type: string, payload: unknown) =>
    JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' });

  server.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const ack = JSON.parse(data.toString()) as Ack;
      acks.push(ack);
      pendingAcks.get(ack.envelope_id)?.(ack);
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: appId }, debug_info: { host: 'standin' } }));
    onConnected?.();
  });

  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}`,
    connected: () => connectedOnce,
    acks,
    post(type, payload) {
      if (!socket) throw new Error('no app is connected');
      const envelopeId = randomUUID();
      socket.send(envelope(envelopeId, type, payload));
      return envelopeId;
    },
    send(type, payload, timeoutMs = 5000) {
      if (!socket) return Promise.reject(new Error('no app is connected'));
      const envelopeId = randomUUID();
      const acked = new Promise<Ack>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${type} within ${timeoutMs} ms`)), timeoutMs);
        pendingAcks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
      });
      socket.send(envelope(envelopeId, type, payload));
      return acked;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
