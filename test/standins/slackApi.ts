/**
 * A stand-in for the Slack Web API (and for response_url endpoints) on a real loopback HTTP
 * server, so the bot under test uses its production `@slack/web-api` client unchanged, pointed
 * here through `slackApiUrl`/SLACK_API_URL. It records what arrives and can be told to fail.
 *
 * `@slack/web-api` 8 sends every call as `application/x-www-form-urlencoded`, with the token in
 * `Authorization: Bearer …` and objects/arrays (`blocks`, `view`, …) as JSON strings inside the
 * form; Bolt's `respond()` posts JSON to the response_url. Both are decoded to plain objects.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, slackOidc, type SlackOidc } from './slackOidc.ts';
import { agentSurface, type AgentSurface } from './slackAgentApi.ts';
import { slackOAuthInstall, type IssuedToken, type SlackOAuthInstall } from './slackOAuthInstall.ts';
import { viewsSurface, type ViewsSurface } from './slackViewsApi.ts';

export const STANDIN_DEFAULTS = { teamId: 'T0TEAM', botUserId: 'U0BOT', botId: 'B0BOT', appId: 'A0APP' };

export type Body = Record<string, unknown>;
/** `token`: the token the call was made with (Bearer header or body), to check which workspace's it was. */
export interface RecordedCall { kind: 'call'; method: string; body: Body; at: Date; status: number; answer: unknown; token?: string | undefined }
/** `status`: what the stand-in answered; 0 when it never answered (a hang) or reset the connection. */
export interface RecordedResponse { kind: 'response'; path: string; body: unknown; at: Date; status: number }
export type Arrival = RecordedCall | RecordedResponse;
/** Slack took it: a 200 and, for a Web API call, `ok: true` (a failed or refused arrival is recorded too). */
export const delivered = (a: Arrival): boolean =>
  a.status === 200 && (a.kind === 'response' || (a.answer as { ok?: unknown } | undefined)?.ok === true);
/** `{error}`: a Slack platform error (HTTP 200, ok:false). A status: an HTTP-level failure. */
export type Failure =
  | { status: 429; retryAfterSeconds: number }
  | { status: number }
  | { error: string }
  /** Never answered (the request is recorded; the socket stays open until close()). */
  | { hang: true }
  /** The connection is reset instead of an answer. */
  | { reset: true };
/** `tz: null`: a user Slack has no time zone for (users.info then has no `tz`, as Slack answers for some users). */
export interface StandinUser { tz?: string | null; email?: string; name?: string; isAdmin?: boolean; /** Deactivated: users.info says `deleted: true`. */ deleted?: boolean }
/** A channel the stand-in knows: conversations.list shows it; chat.postMessage checks membership. */
export interface StandinChannel {
  id: string;
  name: string;
  member?: boolean;
  archived?: boolean;
  isPrivate?: boolean;
  /** Every chat.postMessage to this channel fails this way (an outage that outlasts any retry). */
  postFailure?: { status: number } | { error: string };
}

export interface SlackApiStandin {
  /** `http://127.0.0.1:PORT/api/`: what `slackApiUrl` and SLACK_API_URL take. */
  url: string;
  calls: RecordedCall[];
  responses: RecordedResponse[];
  /** Sign in with Slack (see slackOidc.ts). */
  oidc: SlackOidc;
  /** "Add to Slack": the authorize page and oauth.v2.access, and the tokens issued (see slackOAuthInstall.ts). */
  install: SlackOAuthInstall;
  /** The agent surface: streams, session statuses, expiring streams (see slackAgentApi.ts). */
  agent: Pick<AgentSurface, 'streams' | 'sessions' | 'expireStreams'>;
  /** Modals open (views.open / views.update; see slackViewsApi.ts). */
  modals: Pick<ViewsSurface, 'views'>;
  /** Every call since start, kept across reset() (e.g. to find whom a link was DM'd to). */
  history: RecordedCall[];
  /** A response_url served here; posts to it are recorded in `responses`. */
  responseUrl(id?: string): string;
  /** users.info answers for this user with these details (default tz Europe/Berlin). */
  setUser(userId: string, user: StandinUser): void;
  /**
   * A channel (default: the bot is a member). Posting to a known channel the bot is not in answers
   * `not_in_channel`, to an archived one `is_archived`; unknown C… ids are accepted as before.
   */
  addChannel(channel: StandinChannel): void;
  /** conversations.members answers with these members of a known channel (paginated). */
  setChannelMembers(channelId: string, userIds: string[]): void;
  /** conversations.list gives at most this many channels a page (default: as many as `limit` asks). */
  setPageSize(size: number): void;
  /** usergroups.users.list answers with these members. */
  setUserGroup(groupId: string, userIds: string[]): void;
  /** The first arrival (already recorded or still to come) matching `predicate`. */
  waitFor<T extends Arrival>(predicate: (arrival: Arrival) => arrival is T, timeoutMs?: number): Promise<T>;
  waitFor(predicate: (arrival: Arrival) => boolean, timeoutMs?: number): Promise<Arrival>;
  /** The next `count` calls of `method` (or 'response' for response_url posts) fail this way. */
  failNext(method: string, count: number, failure: Failure): void;
  /** Every answer waits this long first (e.g. to make the bot miss Slack's 3 seconds). */
  setDelay(ms: number): void;
  /** Forgets calls, responses, failures, users, channels, user groups and delay. */
  reset(): void;
  /**
   * Waits until the bot is idle here (no request open, none for `quietMs`), keeping what was
   * recorded: for a test to check that nothing more came.
   */
  quiet(quietMs?: number): Promise<void>;
  /**
   * quiet(), then reset(): failures queued by one test, and the bot's late work for it, cannot
   * leak into the next test.
   */
  settle(quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata', 'chunks', 'prompts', 'loading_messages'];

export interface SlackApiStandinOptions extends Partial<typeof STANDIN_DEFAULTS> {
  botToken: string;
  /** An app-level token (xapp-) and the methods it may call, e.g. apps.connections.open for Socket Mode. */
  appToken?: string;
  appMethods?: Record<string, (body: Body) => Body>;
  /** The app's OAuth client for Sign in with Slack (default SLACK_CLIENT_ID / SLACK_CLIENT_SECRET of slackOidc.ts). */
  oauthClient?: { id: string; secret: string };
  /** Tokens Slack knows as a user's (xoxp-), not a bot's: auth.test answers them without bot_id. */
  userTokens?: string[];
  /** Listen on this port (default: any free one), e.g. to become reachable where the bot already looks. */
  port?: number;
}

export async function startSlackApiStandin(options: SlackApiStandinOptions): Promise<SlackApiStandin> {
  const ids = { ...STANDIN_DEFAULTS, ...options };
  const calls: RecordedCall[] = [];
  const history: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  const failures = new Map<string, Failure[]>();
  const users = new Map<string, StandinUser>();
  const channels = new Map<string, StandinChannel>();
  const userGroups = new Map<string, string[]>();
  const channelMembers = new Map<string, string[]>();
  const waiters = new Set<(arrival: Arrival) => void>();
  let delayMs = 0;
  let pageSize = Number.POSITIVE_INFINITY;
  let counter = 0;
  let open = 0;
  let lastArrival = 0;
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, '0')}`;

  const message = (b: Body, ts: string) =>
    ({ type: 'message', text: b.text, blocks: b.blocks, user: ids.botUserId, bot_id: ids.botId, ts });

  function post(b: Body, answer: (ts: string) => Body): Body {
    if (!b.channel) return { ok: false, error: 'channel_not_found' };
    if (!b.text && !b.blocks && !b.attachments) return { ok: false, error: 'no_text' };
    const problems = b.blocks === undefined ? [] : checkBlocks(b.blocks);
    if (problems.length > 0) return { ok: false, error: 'invalid_blocks', errors: problems };
    return answer(nextTs());
  }

  const agent = agentSurface(nextTs, checkBlocks);
  const modals = viewsSurface(() => String(++counter));
  const handlers: Record<string, (b: Body) => Body> = {
    ...agent.handlers,
    ...modals.handlers,
    'auth.test': () => authTestAnswer(ids, 'bot'),
    'conversations.open': (b) => {
      const user = String(b.users ?? '').split(',')[0];
      return user ? { channel: { id: `D${user}` } } : { ok: false, error: 'users_list_not_supplied' };
    },
    'chat.postMessage': (b) => {
      const known = channels.get(String(b.channel ?? ''));
      if (known?.archived) return { ok: false, error: 'is_archived' };
      if (known && known.member === false) return { ok: false, error: 'not_in_channel' };
      return post(b, (ts) => ({ channel: b.channel, ts, message: message(b, ts) }));
    },
    'chat.getPermalink': (b) =>
      b.channel && b.message_ts
        ? { channel: b.channel, permalink: `https://standin.slack.com/archives/${String(b.channel)}/p${String(b.message_ts).replace('.', '')}` }
        : { ok: false, error: 'message_not_found' },
    'conversations.list': (b) => {
      const types = String(b.types ?? 'public_channel').split(',');
      const listed = [...channels.values()].filter(
        // A bot token lists the private channels the bot is in, never the others.
        (c) => types.includes(c.isPrivate ? 'private_channel' : 'public_channel') && !(c.archived && String(b.exclude_archived) === 'true') &&
          !(c.isPrivate && c.member === false),
      );
      const shape = (c: StandinChannel) => ({
        id: c.id, name: c.name, is_channel: !c.isPrivate, is_private: c.isPrivate === true,
        is_archived: c.archived === true, is_member: c.member !== false,
      });
      // Pages as Slack does: at most `limit` (and at most the stand-in's page size: Slack may return
      // fewer than asked), with an opaque next_cursor until the last page; a bad cursor is refused.
      const start = b.cursor ? Number(Buffer.from(String(b.cursor), 'base64url').toString().replace(/^offset:/, '')) : 0;
      if (!Number.isInteger(start) || start < 0) return { ok: false, error: 'invalid_cursor' };
      const size = Math.min(Number(b.limit) > 0 ? Number(b.limit) : 100, pageSize);
      const end = start + size;
      const next = end < listed.length ? Buffer.from(`offset:${end}`).toString('base64url') : '';
      return { channels: listed.slice(start, end).map(shape), response_metadata: { next_cursor: next } };
    },
    'conversations.members': (b) => conversationsMembers(channels, channelMembers, b),
    'usergroups.users.list': (b) => {
      const members = userGroups.get(String(b.usergroup ?? ''));
      return members ? { users: members } : { ok: false, error: 'no_such_subteam' };
    },
    'chat.postEphemeral': (b) => (b.user ? post(b, (ts) => ({ message_ts: ts })) : { ok: false, error: 'user_not_found' }),
    'chat.update': (b) =>
      b.ts ? post(b, () => ({ channel: b.channel, ts: b.ts, text: b.text, message: message(b, String(b.ts)) }))
        : { ok: false, error: 'message_not_found' },
    'users.info': (b) => {
      const id = String(b.user ?? '');
      if (!id) return { ok: false, error: 'user_not_found' };
      const { tz = 'Europe/Berlin', name = id.toLowerCase(), email = `${name}@example.com`, isAdmin = false, deleted = false } = users.get(id) ?? {};
      const profile = { email, real_name: name, display_name: name };
      const zone = tz === null ? {} : { tz, tz_offset: tzOffsetSeconds(tz) };
      const user = { id, team_id: ids.teamId, name, real_name: name, ...zone, profile };
      return { user: { ...user, deleted, is_admin: isAdmin, is_owner: false } };
    },
    'views.publish': (b) =>
      b.user_id && b.view ? { view: { id: `V${++counter}`, ...(b.view as object) } } : { ok: false, error: 'invalid_arguments' },
  };

  function record(arrival: Arrival): void {
    if (arrival.kind === 'call') calls.push(arrival), history.push(arrival);
    else responses.push(arrival);
    for (const waiter of [...waiters]) waiter(arrival);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    const send: Send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (oidc.page(req, res, path)) return;
    if (install.page(req, res, path)) return;
    if (req.method === 'POST' && path.startsWith('/response/')) {
      const failure = failures.get('response')?.shift();
      const status = !failure ? 200 : 'status' in failure ? failure.status : 'error' in failure ? 200 : 0;
      record({ kind: 'response', path, body: parseJson(raw), at: new Date(), status });
      if (failure && 'hang' in failure) return;
      if (failure && 'reset' in failure) return void req.socket.resetAndDestroy();
      return failure ? sendFailure(failure, send) : send(200, { ok: true });
    }
    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : '';
    if (req.method !== 'POST' || !method) return send(404, { ok: false, error: 'not_found' });
    const body = decodeBody(raw, req.headers['content-type'] ?? '');
    // web-api sends the token as a Bearer header; older clients put it in the body: accept both.
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (body.token as string | undefined);
    const answer: Send = (status, result, headers) => {
      record({ kind: 'call', method, body, at: new Date(), status, answer: result, token });
      send(status, result, headers);
    };
    // Sign in with Slack's methods authenticate with the app's client credentials or a user token.
    const oidcAnswer = oidc.api(req, method, body);
    if (oidcAnswer !== undefined) return answer(200, oidcAnswer);
    const installAnswer = install.api(req, method, body);
    if (installAnswer !== undefined) return answer(200, installAnswer);
    if (!token) return answer(200, { ok: false, error: 'not_authed' });
    const appMethod = options.appMethods?.[method];
    if (appMethod && options.appToken && token === options.appToken) return answer(200, { ok: true, ...appMethod(body) });
    if (method === 'auth.test' && options.userTokens?.includes(String(token))) return answer(200, { ok: true, ...authTestAnswer(ids, 'user') });
    const issued = install.tokens.get(String(token));
    if (issued?.revoked) return answer(200, { ok: false, error: 'token_revoked' });
    if (issued?.expiresAt !== undefined && issued.expiresAt <= Date.now()) return answer(200, { ok: false, error: 'token_expired' });
    if (token !== options.botToken && !issued) return answer(200, { ok: false, error: 'invalid_auth' });
    // An installed workspace's token: auth.test and users.info say whose it is.
    if (issued && method === 'auth.test') return answer(200, { ok: true, ...issuedAuthTest(issued) });
    const failure = failures.get(method)?.shift();
    // Recorded as failed (status 0: no HTTP answer), so a test cannot take it for a delivery.
    const unanswered = (error: string) => record({ kind: 'call', method, body, at: new Date(), status: 0, answer: { ok: false, error } });
    if (failure && 'hang' in failure) return unanswered('standin_hang');
    if (failure && 'reset' in failure) return void (unanswered('standin_reset'), req.socket.resetAndDestroy());
    if (failure) return sendFailure(failure, answer);
    const failingChannel = method === 'chat.postMessage' ? channels.get(String(body.channel ?? ''))?.postFailure : undefined;
    if (failingChannel) return sendFailure(failingChannel, answer);
    const handler = handlers[method];
    answer(200, handler ? { ok: true, ...handler(body) } : { ok: false, error: 'unknown_method' });
  }

  const server = createServer((req, res) => {
    open += 1;
    let counted = true;
    const done = () => {
      if (counted) open -= 1;
      counted = false;
      lastArrival = Date.now();
    };
    res.on('close', done);
    handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      })
      // A hung request stays open on purpose: the bot gives up on it, so it does not count as busy.
      .finally(() => void (res.writableEnded || done()));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const oidc = slackOidc(base, options.oauthClient);
  const install = slackOAuthInstall(base, options.oauthClient ?? { id: SLACK_CLIENT_ID, secret: SLACK_CLIENT_SECRET }, {});

  function waitFor(predicate: (arrival: Arrival) => boolean, timeoutMs = 5000): Promise<Arrival> {
    const already = [...calls, ...responses].sort((a, b) => a.at.getTime() - b.at.getTime()).find(predicate);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const waiter = (arrival: Arrival) => {
        if (!predicate(arrival)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(arrival);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const arrived = describe(calls, responses);
        reject(new Error(`Slack stand-in: nothing matching arrived within ${timeoutMs} ms. Arrived:\n${arrived}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  const standin: SlackApiStandin = {
    url: `${base}/api/`,
    oidc,
    install,
    agent,
    modals,
    history,
    calls,
    responses,
    responseUrl: (id) => `${base}/response/${encodeURIComponent(id ?? `r${++counter}`)}`,
    setUser: (userId, user) => void users.set(userId, user),
    addChannel: (channel) => void channels.set(channel.id, channel),
    setUserGroup: (groupId, userIds) => void userGroups.set(groupId, userIds),
    setChannelMembers: (channelId, userIds) => void channelMembers.set(channelId, userIds),
    setPageSize: (size) => void (pageSize = size),
    waitFor: waitFor as SlackApiStandin['waitFor'],
    failNext: (method, count, failure) => {
      failures.set(method, [...(failures.get(method) ?? []), ...Array.from({ length: count }, () => failure)]);
    },
    setDelay: (ms) => void (delayMs = ms),
    async quiet(quietMs = 1_500) {
      for (;;) {
        const quietFor = Date.now() - lastArrival;
        if (open === 0 && quietFor >= quietMs) break;
        await new Promise((resolve) => setTimeout(resolve, open === 0 ? quietMs - quietFor : 50));
      }
    },
    async settle(quietMs = 1_500) {
      await standin.quiet(quietMs);
      standin.reset();
    },
    reset: () => {
      calls.length = 0;
      responses.length = 0;
      failures.clear();
      users.clear();
      channels.clear();
      userGroups.clear();
      channelMembers.clear();
      agent.reset();
      modals.reset();
      delayMs = 0;
      pageSize = Number.POSITIVE_INFINITY;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from fetch would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
  return standin;
}

/**
 * conversations.members as Slack documents it (https://api.slack.com/methods/conversations.members):
 * `members` (user ids) a page at a time, `limit` (default 100, at most 1000) and an opaque
 * `response_metadata.next_cursor`, empty on the last page; `channel_not_found` for an unknown
 * channel or a private one the bot is not in; `invalid_cursor` for a cursor it did not hand out.
 */
function conversationsMembers(channels: Map<string, StandinChannel>, members: Map<string, string[]>, b: Body): Body {
  const channel = channels.get(String(b.channel ?? ''));
  if (!channel || (channel.isPrivate && channel.member === false)) return { ok: false, error: 'channel_not_found' };
  const all = members.get(channel.id) ?? [];
  const limit = Math.min(1000, Math.max(1, Number(b.limit ?? 100) || 100));
  let offset = 0;
  if (b.cursor) {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(String(b.cursor), 'base64').toString('utf8'));
    if (!decoded) return { ok: false, error: 'invalid_cursor' };
    offset = Number(decoded[1]);
  }
  const page = all.slice(offset, offset + limit);
  const next = offset + limit < all.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
  return { members: page, response_metadata: { next_cursor: next } };
}

/**
 * auth.test's answer (api.slack.com/methods/auth.test): who the token belongs to. A bot token's
 * answer carries bot_id; a user token's does not, which is how the bot tells the two apart.
 */
function authTestAnswer(ids: typeof STANDIN_DEFAULTS, kind: 'bot' | 'user'): Body {
  const common = { url: 'https://standin.slack.com/', team: 'Standin', team_id: ids.teamId, is_enterprise_install: false };
  return kind === 'bot'
    ? { ...common, user: 'bot', user_id: ids.botUserId, bot_id: ids.botId }
    : { ...common, user: 'a.person', user_id: 'U0PERSON' };
}

/** auth.test for a token issued by oauth.v2.access: that installation's workspace (or org) and bot. */
function issuedAuthTest(issued: IssuedToken): Body {
  return {
    url: `https://${(issued.teamId ?? issued.enterpriseId ?? 'org').toLowerCase()}.standin.slack.com/`,
    team: issued.teamName ?? issued.enterpriseName,
    team_id: issued.teamId,
    enterprise_id: issued.enterpriseId,
    is_enterprise_install: issued.isEnterpriseInstall,
    user: 'bot',
    user_id: issued.botUserId,
    bot_id: issued.botId,
  };
}

function sendFailure(failure: Failure, send: Send): void {
  if ('error' in failure) return send(200, { ok: false, error: failure.error });
  if (!('status' in failure)) return; // hang and reset are handled where the socket is at hand
  const headers: Record<string, string> = 'retryAfterSeconds' in failure ? { 'Retry-After': String(failure.retryAfterSeconds) } : {};
  send(failure.status, { ok: false, error: failure.status === 429 ? 'ratelimited' : 'fatal_error' }, headers);
}

/** Block Kit limits Slack enforces with `invalid_blocks`: a too-big message fails here as it would there. */
export function checkBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['blocks is not an array'];
  const problems = blocks.length > 50 ? [`${blocks.length} blocks, at most 50`] : [];
  const actionIds = new Set<string>();
  const length = (value: unknown) => (typeof value === 'string' ? value.length : 0);
  blocks.forEach((block: { type?: string; text?: { text?: unknown } | string; elements?: unknown[]; accessory?: unknown }, i) => {
    const size = length(typeof block.text === 'object' ? block.text?.text : undefined);
    if (block.type === 'section' && size > 3000) problems.push(`block ${i}: section text ${size}, at most 3000`);
    if (block.type === 'markdown' && length(block.text) > 12_000) problems.push(`block ${i}: markdown text over 12000`);
    if (block.type === 'header' && size > 150) problems.push(`block ${i}: header text ${size}, at most 150`);
    if (block.type === 'context' && (block.elements?.length ?? 0) > 10) problems.push(`block ${i}: context over 10`);
    const elements = [block.accessory, ...(block.type === 'actions' ? (block.elements ?? []) : [])];
    for (const element of elements as Array<{ type?: string; text?: { text?: unknown }; url?: unknown; action_id?: unknown }>) {
      if (element?.type !== 'button') continue;
      if (length(element.text?.text) > 75) problems.push(`block ${i}: button text over 75`);
      if (length(element.url) > 3000) problems.push(`block ${i}: button url over 3000`);
      const id = typeof element.action_id === 'string' ? element.action_id : '';
      if (id.length > 255 || actionIds.has(id)) problems.push(`block ${i}: action_id "${id.slice(0, 40)}" too long or repeated`);
      if (id) actionIds.add(id);
    }
  });
  return problems;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Form or JSON; the JSON-in-form fields web-api sends (`blocks`, `view`, …) become objects again. */
function decodeBody(raw: string, contentType: string): Body {
  if (contentType.includes('application/json')) {
    const parsed = parseJson(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Body) : { _raw: raw };
  }
  const body: Body = Object.fromEntries(new URLSearchParams(raw));
  for (const field of JSON_FIELDS) {
    if (typeof body[field] === 'string') body[field] = parseJson(body[field]);
  }
  return body;
}

function tzOffsetSeconds(timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date());
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(parts.find((p) => p.type === 'timeZoneName')?.value ?? '');
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60) : 0;
}

function describe(calls: RecordedCall[], responses: RecordedResponse[]): string {
  const lines = [
    ...calls.map((c) => `  call ${c.method} → ${JSON.stringify(c.answer).slice(0, 120)} ${JSON.stringify(c.body).slice(0, 200)}`),
    ...responses.map((r) => `  response ${r.path} ${JSON.stringify(r.body).slice(0, 200)}`),
  ];
  return lines.length > 0 ? lines.join('\n') : '  (nothing)';
}
