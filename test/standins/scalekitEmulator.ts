/**
 * Scalekit emulator for tests.
 *
 * A local, in-memory stand-in for the Scalekit Agent Auth service that speaks the
 * real SDK's wire protocol, so code under test can use an unmodified
 * `ScalekitClient` pointed at `emulator.url`:
 *   - gRPC (HTTP/2 cleartext, "h2c") for `scalekit.v1.connected_accounts.ConnectedAccountService`,
 *     served by connect-node from the descriptor the SDK itself ships;
 *   - HTTP/1.1 for the SDK's client-credentials token POST (`/oauth/token`) and for the
 *     "browser" side of the magic link (`/magic/<id>`), which simulates the user
 *     completing Google's consent screen.
 * Both protocols share ONE port: each new connection is sniffed for the HTTP/2
 * preface and handed to the matching Node server.
 *
 * Tests steer it with the controls on `ScalekitEmulator` (seed accounts, count calls,
 * take the service down, add latency).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError } from '@connectrpc/connect';
import type { ConnectRouter, Interceptor, ServiceImpl } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import {
  ConnectedAccountService,
  ConnectorStatus,
  ConnectorType,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connected_accounts/connected_accounts_pb.js';
import type { AuthorizationDetails } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connected_accounts/connected_accounts_pb.js';

// ---------------------------------------------------------------------------
// Public interface
// ---------------------------------------------------------------------------

/** Status names accepted/returned by the test controls (the SDK itself sees the enum numbers). */
export type AccountStatusName = 'ACTIVE' | 'EXPIRED' | 'PENDING_AUTH' | 'PENDING_VERIFICATION' | 'DISCONNECTED';

/** What a test seeds with `setAccount`. */
export interface AccountSeed {
  /** Account status, by name. */
  status: AccountStatusName;
  /** The provider (Google) access token the service would hand out; omit for "no token". */
  accessToken?: string;
  /** When that access token expires. */
  expiresAt?: Date;
  /** The scopes that token was granted (default: the connection's, see `setConnectionScopes`). */
  scopes?: string[];
}

/** What a test reads back with `getAccount`. */
export interface AccountView {
  /** Status name, e.g. 'ACTIVE'. */
  status: string;
  /** Current provider access token, if the account has one. */
  accessToken?: string;
  /** Expiry of that token, if known. */
  expiresAt?: Date;
  /** The scopes that token was granted, if the account has one. */
  scopes?: string[];
}

/** The arguments of the most recent GetMagicLinkForConnectedAccount call. */
export interface MagicLinkRequest {
  connection: string;
  identifier: string;
  state?: string;
  userVerifyUrl?: string;
}

export interface ScalekitEmulatorOptions {
  /** Client id the SDK must present at /oauth/token (default 'skc_emulator'). */
  clientId?: string;
  /** Client secret the SDK must present at /oauth/token (default: random). */
  clientSecret?: string;
  /** Lifetime of the SDK's bearer tokens issued by /oauth/token (default 3600 s). */
  tokenTtlSeconds?: number;
  /** Lifetime of the provider access token granted when a magic link is completed (default 3600 s). */
  grantedTokenTtlSeconds?: number;
}

export interface ScalekitEmulator {
  /** Base URL to pass to `new ScalekitClient(url, ...)`: http://127.0.0.1:PORT. */
  readonly url: string;
  /** The client id the emulator accepts. */
  readonly clientId: string;
  /** The client secret the emulator accepts. */
  readonly clientSecret: string;
  /** Create or overwrite the account for (connection, identifier). */
  setAccount(connection: string, identifier: string, seed: AccountSeed): void;
  /** Read the account for (connection, identifier) as a plain object, or undefined if there is none. */
  getAccount(connection: string, identifier: string): AccountView | undefined;
  /** RPCs the service actually handled (authenticated, service up), by gRPC method name, e.g. `GetConnectedAccountAuth`. */
  readonly calls: Record<string, number>;
  /** Every gRPC request received, by method name, including ones rejected as Unauthenticated/Unavailable (shows SDK retries). */
  readonly attempts: Record<string, number>;
  /** Number of hits on /oauth/token (successful or not). */
  readonly tokenRequests: number;
  /** Zero `calls`, `attempts` and `tokenRequests`. */
  resetCounts(): void;
  /** While down: every gRPC call fails with Unavailable, /oauth/token and /magic/* answer 503. */
  setDown(down: boolean): void;
  /** Delay every answer (gRPC and HTTP) by this many milliseconds; 0 turns it off. */
  setDelay(ms: number): void;
  /** Lifetime of provider tokens granted by later magic-link completions. */
  setGrantedTokenTtl(seconds: number): void;
  /**
   * The scopes configured on `connection` (in Scalekit's dashboard): what consent through a magic
   * link grants from now on, and what a seeded token carries. Unset connections grant gmail.modify.
   */
  setConnectionScopes(connection: string, scopes: string[]): void;
  /** The most recent GetMagicLinkForConnectedAccount request, for assertions. */
  readonly lastMagicLinkRequest: MagicLinkRequest | undefined;
  /** Stop listening and tear down every connection (HTTP/1.1 sockets and HTTP/2 sessions). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// In-memory state
// ---------------------------------------------------------------------------

const MAGIC_LINK_TTL_MS = 5 * 60 * 1000;
const DEFAULT_GRANTED_SCOPES = ['https://www.googleapis.com/auth/gmail.modify'];
const PROVIDER = 'google';

interface AccountRecord {
  id: string;
  connector: string;
  identifier: string;
  status: ConnectorStatus;
  accessToken?: string;
  refreshToken?: string;
  scopes: string[];
  expiresAt?: Date;
  updatedAt: Date;
}

interface MagicLinkRecord {
  connector: string;
  identifier: string;
  state?: string;
  userVerifyUrl?: string;
  expiresAt: number;
  used: boolean;
}

interface AuthRequestRecord {
  connector: string;
  identifier: string;
  used: boolean;
}

interface State {
  url: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  grantedTokenTtlSeconds: number;
  /** Scopes configured per connection; DEFAULT_GRANTED_SCOPES for the others. */
  connectionScopes: Map<string, string[]>;
  accounts: Map<string, AccountRecord>;
  magicLinks: Map<string, MagicLinkRecord>;
  authRequests: Map<string, AuthRequestRecord>;
  /** Issued SDK bearer tokens -> expiry (epoch ms). */
  bearerTokens: Map<string, number>;
  calls: Record<string, number>;
  attempts: Record<string, number>;
  tokenRequests: number;
  down: boolean;
  delayMs: number;
  lastMagicLinkRequest: MagicLinkRequest | undefined;
  /** Aborted by close() so pending artificial delays don't keep the process alive. */
  shutdown: AbortController;
}

function randomId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

function accountKey(connector: string, identifier: string): string {
  return `${connector}\u0000${identifier}`;
}

function bump(counter: Record<string, number>, name: string): void {
  counter[name] = (counter[name] ?? 0) + 1;
}

function newAccount(connector: string, identifier: string, status: ConnectorStatus): AccountRecord {
  return { id: randomId('ca_'), connector, identifier, status, scopes: [], updatedAt: new Date() };
}

function findAccount(
  state: State,
  query: { id?: string | undefined; connector?: string | undefined; identifier?: string | undefined },
): AccountRecord | undefined {
  if (query.id) return [...state.accounts.values()].find((account) => account.id === query.id);
  if (!query.connector || !query.identifier) {
    throw new ConnectError('either id or connector + identifier is required', Code.InvalidArgument);
  }
  return state.accounts.get(accountKey(query.connector, query.identifier));
}

/** Like findAccount, but answers NotFound: that is what the SDK's getOrCreate keys on. */
function requireAccount(state: State, query: Parameters<typeof findAccount>[1]): AccountRecord {
  const account = findAccount(state, query);
  if (!account) throw new ConnectError('connected account not found', Code.NotFound);
  return account;
}

function grantedScopes(state: State, connector: string): string[] {
  return [...(state.connectionScopes.get(connector) ?? DEFAULT_GRANTED_SCOPES)];
}

/** Simulates Google granting fresh tokens at the end of the consent screen. */
function grantProviderToken(state: State, account: AccountRecord): void {
  account.accessToken = randomId('ya29.emu-');
  account.refreshToken = randomId('1//emu-');
  account.scopes = grantedScopes(state, account.connector);
  account.expiresAt = new Date(Date.now() + state.grantedTokenTtlSeconds * 1000);
  account.updatedAt = new Date();
}

/** Applies the OAuth token of an Update/Create request; other credential kinds are ignored. */
function applyAuthorizationDetails(account: AccountRecord, details: AuthorizationDetails | undefined): void {
  if (details?.details.case !== 'oauthToken' || !details.details.value.accessToken) return;
  const token = details.details.value;
  account.accessToken = token.accessToken;
  account.refreshToken = token.refreshToken;
  account.scopes = [...token.scopes];
  account.expiresAt = undefined; // the request carries no expiry for the new token
  account.status = ConnectorStatus.ACTIVE;
  account.updatedAt = new Date();
}

// ---------------------------------------------------------------------------
// Protobuf views (plain init objects; connect-node turns them into messages)
// ---------------------------------------------------------------------------

function toTimestamp(date: Date): { seconds: bigint; nanos: number } {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

function accountSummary(account: AccountRecord) {
  return {
    id: account.id,
    identifier: account.identifier,
    connector: account.connector,
    provider: PROVIDER,
    status: account.status,
    authorizationType: ConnectorType.OAUTH,
    connectionId: `conn_${account.connector}`,
    updatedAt: toTimestamp(account.updatedAt),
    ...(account.expiresAt && { tokenExpiresAt: toTimestamp(account.expiresAt) }),
  };
}

function accountMessage(account: AccountRecord) {
  if (account.accessToken === undefined) return accountSummary(account);
  const oauthToken = {
    accessToken: account.accessToken,
    refreshToken: account.refreshToken ?? '',
    scopes: account.scopes,
    domain: '',
  };
  return {
    ...accountSummary(account),
    authorizationDetails: { details: { case: 'oauthToken' as const, value: oauthToken } },
  };
}

// ---------------------------------------------------------------------------
// gRPC: ConnectedAccountService
// ---------------------------------------------------------------------------

type AccountServiceImpl = Partial<ServiceImpl<typeof ConnectedAccountService>>;

/** Only the RPCs the bot uses; connect answers Unimplemented for every other method. */
function connectedAccountService(state: State): AccountServiceImpl {
  return {
    getConnectedAccountAuth(req) {
      return { connectedAccount: accountMessage(requireAccount(state, req)) };
    },

    createConnectedAccount(req) {
      const { connector, identifier } = req;
      if (!connector || !identifier) throw new ConnectError('connector and identifier are required', Code.InvalidArgument);
      if (state.accounts.has(accountKey(connector, identifier))) {
        throw new ConnectError('connected account already exists', Code.AlreadyExists);
      }
      const account = newAccount(connector, identifier, ConnectorStatus.PENDING_AUTH);
      // getOrCreate sends an empty oauthToken; only a real token makes the account usable.
      applyAuthorizationDetails(account, req.connectedAccount?.authorizationDetails);
      state.accounts.set(accountKey(connector, identifier), account);
      return { connectedAccount: accountMessage(account) };
    },

    updateConnectedAccount(req) {
      const account = requireAccount(state, req);
      applyAuthorizationDetails(account, req.connectedAccount?.authorizationDetails);
      return { connectedAccount: accountMessage(account) };
    },

    deleteConnectedAccount(req) {
      const account = requireAccount(state, req);
      state.accounts.delete(accountKey(account.connector, account.identifier));
      return {};
    },

    listConnectedAccounts(req) {
      const connectors = req.connector ? [req.connector] : req.connectionNames;
      const matches = [...state.accounts.values()].filter(
        (account) =>
          (connectors.length === 0 || connectors.includes(account.connector)) &&
          (!req.identifier || account.identifier === req.identifier),
      );
      return { connectedAccounts: matches.map(accountSummary), totalSize: matches.length };
    },

    getMagicLinkForConnectedAccount(req) {
      state.lastMagicLinkRequest = {
        connection: req.connector ?? '',
        identifier: req.identifier ?? '',
        ...(req.state !== undefined && { state: req.state }),
        ...(req.userVerifyUrl !== undefined && { userVerifyUrl: req.userVerifyUrl }),
      };
      // Strict on purpose: the documented flow is getOrCreate first, then the link.
      const account = requireAccount(state, req);
      const id = randomId('ml_');
      const expiresAt = Date.now() + MAGIC_LINK_TTL_MS;
      state.magicLinks.set(id, {
        connector: account.connector,
        identifier: account.identifier,
        expiresAt,
        used: false,
        ...(req.state && { state: req.state }),
        ...(req.userVerifyUrl && { userVerifyUrl: req.userVerifyUrl }),
      });
      return { link: `${state.url}/magic/${id}`, expiry: toTimestamp(new Date(expiresAt)) };
    },

    verifyConnectedAccountUser(req) {
      const request = state.authRequests.get(req.authRequestId);
      // The descriptor documents 404 for "no pending flow or already consumed" and 403 for a mismatch.
      if (!request || request.used) throw new ConnectError('no pending flow for auth_request_id', Code.NotFound);
      if (request.identifier !== req.identifier) {
        throw new ConnectError('identifier does not match the auth request', Code.PermissionDenied);
      }
      const account = requireAccount(state, request);
      request.used = true;
      account.status = ConnectorStatus.ACTIVE;
      account.updatedAt = new Date();
      return { postUserVerifyRedirectUrl: `${state.url}/connected` };
    },
  };
}

/** Waits for the configured delay; gives up early if the caller or the emulator goes away. */
async function artificialDelay(state: State, signal?: AbortSignal): Promise<void> {
  if (state.delayMs <= 0) return;
  const signals = signal ? [signal, state.shutdown.signal] : [state.shutdown.signal];
  await sleep(state.delayMs, undefined, { signal: AbortSignal.any(signals) });
}

function hasValidBearer(state: State, authorization: string | null): boolean {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  const expiry = match?.[1] ? state.bearerTokens.get(match[1]) : undefined;
  return expiry !== undefined && expiry > Date.now();
}

/** Runs before every RPC: counting, latency, outage and bearer-token checks, in that order. */
function gatekeeper(state: State): Interceptor {
  return (next) => async (req) => {
    const method = req.method.name;
    bump(state.attempts, method);
    await artificialDelay(state, req.signal);
    if (state.down) throw new ConnectError('scalekit emulator is down', Code.Unavailable);
    // Unauthenticated is what makes the SDK fetch a token and retry.
    if (!hasValidBearer(state, req.header.get('authorization'))) {
      throw new ConnectError('missing or invalid access token', Code.Unauthenticated);
    }
    bump(state.calls, method);
    return next(req);
  };
}

function grpcHandler(state: State) {
  return connectNodeAdapter({
    // The SDK only speaks gRPC; refusing the other protocols keeps the emulator honest.
    grpc: true,
    grpcWeb: false,
    connect: false,
    interceptors: [gatekeeper(state)],
    routes: (router: ConnectRouter) => {
      router.service(ConnectedAccountService, connectedAccountService(state));
    },
  });
}

// ---------------------------------------------------------------------------
// HTTP/1.1: token endpoint and the browser side of magic links
// ---------------------------------------------------------------------------

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendPage(res: http.ServerResponse, status: number, title: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Client credentials from the form body, or from HTTP Basic (RFC 6749 allows both). */
function clientCredentials(req: http.IncomingMessage, form: URLSearchParams): { id: string; secret: string } {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' };
}

async function handleTokenRequest(state: State, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  state.tokenRequests += 1;
  const form = new URLSearchParams(await readBody(req));
  if (state.down) return sendJson(res, 503, { error: 'temporarily_unavailable' });
  if (form.get('grant_type') !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type' });
  const { id, secret } = clientCredentials(req, form);
  if (!safeEqual(id, state.clientId) || !safeEqual(secret, state.clientSecret)) {
    return sendJson(res, 401, { error: 'invalid_client' });
  }
  const token = randomId('emu_at_');
  state.bearerTokens.set(token, Date.now() + state.tokenTtlSeconds * 1000);
  sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: state.tokenTtlSeconds });
}

/** Where the browser goes after consent: the app's verify URL, carrying the auth request id and state. */
function userVerifyRedirect(state: State, link: MagicLinkRecord, userVerifyUrl: string): string {
  const authRequestId = randomId('ar_');
  state.authRequests.set(authRequestId, { connector: link.connector, identifier: link.identifier, used: false });
  const target = new URL(userVerifyUrl);
  target.searchParams.set('auth_request_id', authRequestId);
  if (link.state) target.searchParams.set('state', link.state);
  return target.toString();
}

/** GET /magic/<id>: the user "completes Google's consent" in one step. */
function handleMagicLink(state: State, id: string, res: http.ServerResponse): void {
  if (state.down) return sendPage(res, 503, 'Service unavailable');
  const link = state.magicLinks.get(id);
  const account = link && state.accounts.get(accountKey(link.connector, link.identifier));
  if (!link || link.used || link.expiresAt <= Date.now() || !account) {
    return sendPage(res, 410, 'This link has expired or was already used');
  }
  link.used = true;
  grantProviderToken(state, account);
  if (!link.userVerifyUrl) {
    account.status = ConnectorStatus.ACTIVE;
    return sendPage(res, 200, 'Account connected');
  }
  account.status = ConnectorStatus.PENDING_VERIFICATION;
  res.writeHead(302, { location: userVerifyRedirect(state, link, link.userVerifyUrl) });
  res.end();
}

function http1Handler(state: State) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    try {
      await artificialDelay(state);
      const { pathname } = new URL(req.url ?? '/', state.url);
      if (req.method === 'POST' && pathname === '/oauth/token') return await handleTokenRequest(state, req, res);
      if (req.method === 'GET' && pathname.startsWith('/magic/')) return handleMagicLink(state, pathname.slice(7), res);
      if (req.method === 'GET' && pathname === '/connected') return sendPage(res, 200, 'Account connected');
      sendJson(res, 404, { error: 'not_found' });
    } catch {
      // close() aborted a delayed answer, the client vanished, or an emulator bug.
      if (res.headersSent || state.shutdown.signal.aborted) res.destroy();
      else sendJson(res, 500, { error: 'emulator_error' });
    }
  };
}

// ---------------------------------------------------------------------------
// One port, two protocols
// ---------------------------------------------------------------------------

const HTTP2_PREFACE_START = Buffer.from('PRI');

/**
 * Reads until the first three bytes are known, puts them back, and hands the socket
 * to the HTTP/2 server if they start the HTTP/2 preface ("PRI * HTTP/2.0"), else to
 * the HTTP/1.1 server. Both servers accept foreign sockets via their 'connection' event.
 */
function routeConnection(socket: net.Socket, h1: http.Server, h2: http2.Http2Server): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    if (head.length < HTTP2_PREFACE_START.length) return;
    socket.off('data', onData);
    socket.pause();
    socket.unshift(head);
    if (head.subarray(0, HTTP2_PREFACE_START.length).equals(HTTP2_PREFACE_START)) {
      // The HTTP/2 session drains the socket's buffer itself (on next tick); resuming
      // here would flow those bytes out as 'data' events nobody listens to.
      h2.emit('connection', socket);
    } else {
      // The HTTP/1.1 server reads through 'data' events but leaves a paused socket paused.
      h1.emit('connection', socket);
      socket.resume();
    }
  };
  socket.on('data', onData);
  socket.resume();
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts an emulator on a port chosen by the OS. Remember to `close()` it. */
export async function startScalekitEmulator(options: ScalekitEmulatorOptions = {}): Promise<ScalekitEmulator> {
  const state: State = {
    url: '',
    clientId: options.clientId ?? 'skc_emulator',
    clientSecret: options.clientSecret ?? randomId('secret_'),
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    grantedTokenTtlSeconds: options.grantedTokenTtlSeconds ?? 3600,
    connectionScopes: new Map(),
    accounts: new Map(),
    magicLinks: new Map(),
    authRequests: new Map(),
    bearerTokens: new Map(),
    calls: {},
    attempts: {},
    tokenRequests: 0,
    down: false,
    delayMs: 0,
    lastMagicLinkRequest: undefined,
    shutdown: new AbortController(),
  };

  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  const h1 = http.createServer(http1Handler(state));
  const h2 = http2.createServer(grpcHandler(state));
  h2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });

  const tcp = net.createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A client resetting mid-sniff must not crash the test process.
    socket.on('error', () => {});
    routeConnection(socket, h1, h2);
  });
  const port = await listen(tcp);
  state.url = `http://127.0.0.1:${port}`;

  const close = async (): Promise<void> => {
    state.shutdown.abort();
    const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    url: state.url,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    setAccount(connection, identifier, seed) {
      const key = accountKey(connection, identifier);
      const account = state.accounts.get(key) ?? newAccount(connection, identifier, ConnectorStatus[seed.status]);
      account.status = ConnectorStatus[seed.status];
      account.accessToken = seed.accessToken;
      account.refreshToken = undefined;
      account.expiresAt = seed.expiresAt;
      account.scopes = seed.accessToken ? [...(seed.scopes ?? grantedScopes(state, connection))] : [];
      account.updatedAt = new Date();
      state.accounts.set(key, account);
    },
    getAccount(connection, identifier) {
      const account = state.accounts.get(accountKey(connection, identifier));
      if (!account) return undefined;
      return {
        status: ConnectorStatus[account.status],
        ...(account.accessToken !== undefined && { accessToken: account.accessToken }),
        ...(account.expiresAt && { expiresAt: new Date(account.expiresAt) }),
        ...(account.accessToken !== undefined && { scopes: [...account.scopes] }),
      };
    },
    get calls() {
      return state.calls;
    },
    get attempts() {
      return state.attempts;
    },
    get tokenRequests() {
      return state.tokenRequests;
    },
    resetCounts() {
      state.calls = {};
      state.attempts = {};
      state.tokenRequests = 0;
    },
    setDown(down) {
      state.down = down;
    },
    setDelay(ms) {
      state.delayMs = ms;
    },
    setGrantedTokenTtl(seconds) {
      state.grantedTokenTtlSeconds = seconds;
    },
    setConnectionScopes(connection, scopes) {
      state.connectionScopes.set(connection, [...scopes]);
    },
    get lastMagicLinkRequest() {
      return state.lastMagicLinkRequest;
    },
    close,
  };
}
