/**
 * The sandbox's own HTTP server: the workspace page and its small JSON API (the page polls
 * /api/state; typing, clicks, the Home tab and new mail are POSTs), Google's consent page, and
 * Sign in with Slack passed through as the sandbox user. The bot's DM is its Messages tab: an agent
 * conversation, one thread per conversation (/api/send's threadTs). Listens on loopback only: it signs
 * requests to the bot on anyone's behalf.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripTypeScriptTypes } from 'node:module';
import { join } from 'node:path';
import type { StoredMessage } from '../test/standins/gmailStandin.ts';
import { consentDecision, consentPage } from './consent.ts';
import type { SandboxUser, SlackDelivery } from './slackDelivery.ts';
import type { Message, Workspace } from './workspace.ts';

const PAGE_DIR = join(import.meta.dirname, 'page');
const BOT = { id: 'U0BOT', name: 'Agent Actions' };
const CHANNEL = { id: 'C0GENERAL', name: 'general' };
const MAX_BODY = 64 * 1024;

export interface WebServerOptions {
  port: number;
  workspace: Workspace;
  delivery: SlackDelivery;
  user: SandboxUser & { email: string };
  inbox: StoredMessage[];
  addMail(mail: { from: string; subject: string; snippet: string }): void;
  google: { clientId: string; authorizeUrl: string; account: { email: string; name: string } };
  /** The Slack stand-in's Sign in with Slack authorize endpoint. */
  slackAuthorizeUrl: string;
}

interface ClickRequest { messageId?: string; actionId?: string; blockId?: string; value?: string; url?: string; label?: string; elementType?: string }

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export async function startWebServer(options: WebServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const { workspace, delivery, user } = options;
  const dm = `D${user.id}`;

  const routes: Record<string, Handler> = {
    'GET /': (_req, res) => sendFile(res, 'index.html', 'text/html; charset=utf-8'),
    'GET /style.css': (_req, res) => sendFile(res, 'style.css', 'text/css; charset=utf-8'),
    'GET /consent.css': (_req, res) => sendFile(res, 'consent.css', 'text/css; charset=utf-8'),
    'GET /api/state': (_req, res) => {
      workspace.sync();
      sendJson(res, 200, {
        user: { id: user.id, name: user.name, email: user.email },
        bot: BOT,
        channels: [{ id: CHANNEL.id, name: `# ${CHANNEL.name}` }, { id: dm, name: BOT.name, dm: true }],
        messages: workspace.messages,
        home: workspace.home ?? null,
        statuses: workspace.statuses,
        prompts: workspace.prompts[dm] ?? null,
        modal: workspace.modal ?? null,
        inbox: options.inbox.map((m) => ({ id: m.id, from: m.from, subject: m.subject, unread: m.unread, date: new Date(m.internalDate).toISOString() })),
      });
    },
    'POST /api/send': async (req, res) => {
      const { channel, text, threadTs } = (await readJson(req)) as { channel?: string; text?: string; threadTs?: string };
      if ((channel !== CHANNEL.id && channel !== dm) || typeof text !== 'string' || !text.trim()) return sendJson(res, 400, { error: 'channel and text, please' });
      const root = typeof threadTs === 'string' ? workspace.messages.find((m) => m.channel === channel && m.ts === threadTs && !m.threadTs) : undefined;
      if (threadTs !== undefined && !root) return sendJson(res, 400, { error: 'no such thread' });
      sendJson(res, 200, await send(channel, text.trim(), root?.ts));
    },
    'POST /api/click': async (req, res) => {
      const click = (await readJson(req)) as ClickRequest;
      sendJson(res, 200, await clickButton(click));
    },
    'POST /api/home': async (req, res) => {
      const { tab } = (await readJson(req)) as { tab?: string };
      const sent = await delivery.homeOpened(tab === 'messages' ? 'messages' : 'home');
      sendJson(res, 200, { status: sent.status });
    },
    'POST /api/view': async (req, res) => {
      const { id, action, values } = (await readJson(req)) as { id?: string; action?: string; values?: Record<string, Record<string, string>> };
      const modal = workspace.modal;
      if (!modal || modal.id !== id) return sendJson(res, 404, { error: 'that modal is not open' });
      if (action !== 'submit') {
        workspace.closeModal(modal.id);
        return sendJson(res, 200, { closed: true });
      }
      const sent = await delivery.viewSubmission(modal, stringValues(values));
      // An empty acknowledgement closes the modal; `response_action: errors` keeps it open with them,
      // and `response_action: update` keeps it open with the view it sends (as Slack does).
      const answer = (sent.body ? parseJson(sent.body) : undefined) as
        | { response_action?: string; errors?: Record<string, string>; view?: Record<string, unknown> }
        | undefined;
      const ok = sent.status === 200;
      const errors = ok && answer?.response_action === 'errors' ? answer.errors ?? {} : undefined;
      const updated = ok && answer?.response_action === 'update' && answer.view !== undefined;
      if (updated) workspace.replaceModalView(modal.id, answer.view!);
      else if (ok && !errors) workspace.closeModal(modal.id);
      sendJson(res, 200, { status: sent.status, ...(errors ? { errors } : {}), ...(updated ? { updated: true } : {}) });
    },
    'POST /api/mail': async (req, res) => {
      const mail = (await readJson(req)) as { from?: string; subject?: string; snippet?: string };
      if (typeof mail.from !== 'string' || typeof mail.subject !== 'string') return sendJson(res, 400, { error: 'from and subject, please' });
      // Gmail sends snippets HTML-escaped.
      options.addMail({ from: mail.from, subject: mail.subject, snippet: htmlEscape(String(mail.snippet ?? '')) });
      sendJson(res, 200, { ok: true });
    },
    'GET /google/o/oauth2/v2/auth': (_req, res, url) => {
      const page = consentPage({ params: url.searchParams, clientId: options.google.clientId, appName: BOT.name, account: options.google.account });
      res.writeHead(page.status, { 'Content-Type': 'text/html; charset=utf-8' }).end(page.html);
    },
    'POST /google/consent': async (req, res) => {
      const form = new URLSearchParams(await readBody(req));
      const decision = consentDecision(form, options.google.clientId, options.google.authorizeUrl);
      if (decision.location) return void res.writeHead(302, { Location: decision.location }).end();
      res.writeHead(decision.status, { 'Content-Type': 'text/html; charset=utf-8' }).end(decision.html);
    },
    // Sign in with Slack: the sandbox user is always signed in to the sandbox's Slack.
    'GET /slack/openid/connect/authorize': async (_req, res, url) => {
      const upstream = await fetch(`${options.slackAuthorizeUrl}${url.search}`, {
        redirect: 'manual',
        headers: { cookie: `standin_slack_user=${user.teamId}:${user.id}` },
      });
      const location = upstream.headers.get('location');
      if (location) return void res.writeHead(302, { Location: location }).end();
      res.writeHead(upstream.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(await upstream.text());
    },
  };

  /** Slash commands are not shown (Slack does not post them); mentions and DMs are. */
  async function send(channel: string, text: string, threadTs?: string): Promise<{ status: number; ts?: string; threadTs?: string }> {
    const command = /^(\/[\w-]+)(?:\s+([\s\S]*))?$/.exec(text);
    if (command) {
      const origin = { channel };
      const sent = await delivery.command(command[1]!, command[2] ?? '', channel, workspace.responseUrl(origin));
      if (sent.status === 200 && sent.body) workspace.applyAnswer(parseJson(sent.body), origin);
      else if (sent.status !== 200) workspace.add({ channel, from: 'sandbox', ephemeral: true, text: `${command[1]} failed: the bot answered HTTP ${sent.status}.` });
      return { status: sent.status };
    }
    const message = workspace.add({ channel, from: 'user', ephemeral: false, text, ...(threadTs ? { threadTs } : {}) });
    const slackText = mrkdwnEscape(text).replace(/@Agent Actions\b|@agent\b/gi, `<@${BOT.id}>`);
    const sent = channel === dm
      ? await delivery.directMessage(channel, text, message.ts, threadTs)
      : slackText.includes(`<@${BOT.id}>`) ? await delivery.mention(channel, slackText, message.ts) : undefined;
    // The Messages tab goes on in the thread the message started (or was in).
    return { status: sent?.status ?? 200, ts: message.ts, threadTs: threadTs ?? message.ts };
  }

  async function clickButton(click: ClickRequest) {
    const base = {
      actionId: click.actionId ?? '', blockId: click.blockId ?? '', value: click.value ?? '', label: click.label ?? '',
      ...(click.url ? { url: click.url } : {}), ...(click.elementType === 'feedback_buttons' ? { elementType: 'feedback_buttons' } : {}),
    };
    if (click.messageId === 'home') {
      const sent = await delivery.click({ ...base, container: { kind: 'home', viewId: 'VSANDBOXHOME', blocks: workspace.home?.blocks ?? [] } });
      return { status: sent.status };
    }
    const message: Message | undefined = click.messageId ? workspace.find(click.messageId) : undefined;
    if (!message) return { status: 404 };
    const thread = message.threadTs ? { threadTs: message.threadTs } : {};
    const responseUrl = workspace.responseUrl({ channel: message.channel, messageId: message.id, ...thread });
    const container = {
      kind: 'message' as const, channel: message.channel, ts: message.ts, ephemeral: message.ephemeral, ...thread,
      ...(message.ephemeral || !message.blocks ? {} : { blocks: message.blocks }),
    };
    const sent = await delivery.click({ ...base, container, responseUrl });
    return { status: sent.status };
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    // Only this machine's browser, on this page: a foreign Host (DNS rebinding) or a cross-site form
    // post (no JSON content type, so no CORS preflight) must not act as the sandbox user.
    if (!/^(localhost|127\.0\.0\.1)(:\d+)?$/.test(req.headers.host ?? '')) return void sendJson(res, 421, { error: 'unknown host' });
    if (req.method === 'POST' && url.pathname.startsWith('/api/') && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return void sendJson(res, 415, { error: 'JSON only' });
    }
    const route = routes[`${req.method} ${url.pathname}`];
    const script = req.method === 'GET' && /^\/page\/[\w-]+\.ts$/.exec(url.pathname);
    const handle: Handler | undefined = route ?? (script ? (_q, r) => sendScript(r, url.pathname.slice('/page/'.length)) : undefined);
    if (!handle) return void sendJson(res, 404, { error: 'not found' });
    Promise.resolve(handle(req, res, url)).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function sendFile(res: ServerResponse, name: string, type: string): void {
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(readFileSync(join(PAGE_DIR, name)));
}

/** The page's TypeScript, served as JavaScript with its types stripped (as Node runs the bot). */
function sendScript(res: ServerResponse, name: string): void {
  const source = readFileSync(join(PAGE_DIR, name), 'utf8');
  res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }).end(stripTypeScriptTypes(source));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  return parseJson(await readBody(req)) ?? {};
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A modal's typed values, keeping only strings (block_id → action_id → text). */
function stringValues(values: unknown): Record<string, Record<string, string>> {
  if (!values || typeof values !== 'object') return {};
  return Object.fromEntries(
    Object.entries(values as Record<string, unknown>).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(Object.entries((actions ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
    ]),
  );
}

function mrkdwnEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
