/**
 * The bot's own HTTP routes, served beside Slack's endpoint in both HTTP and Socket Mode:
 * the DM'd connect link, the return from the agent-auth service, and health.
 */
import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { BrowserAuthorization, CompletedAuthorization } from '../actions/browserAuthorization.ts';
import { asAppError } from '../core/errors.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './cookies.ts';
import { redirect, sendJson, sendPage } from './pages.ts';

export const CALLBACK_PATH = '/auth/callback';

export interface WebRouteDeps {
  browserAuthorization: BrowserAuthorization;
  /** Runs after a successful connection (tell the user, finish kept requests); not awaited by the page. */
  onConnected: (completed: CompletedAuthorization) => void;
  isReady: () => boolean;
  /** Resolves when the database answers; readiness fails while it does not. */
  pingDatabase: () => Promise<unknown>;
  secureCookies: boolean;
  logger: Logger;
}

type Handler = (req: Parameters<CustomRoute['handler']>[0], res: ServerResponse) => Promise<void>;

/** Bolt calls custom routes without awaiting them: nothing may escape as an unhandled rejection. */
function guarded(handler: Handler, logger: Logger): CustomRoute['handler'] {
  return (req, res) => {
    handler(req, res).catch((err: unknown) => {
      logger.error({ err }, 'web route failed');
      if (!res.headersSent) sendPage(res, 500, 'Something went wrong', 'Please go back to Slack and try again.');
      else res.end();
    });
  };
}

export function webRoutes(deps: WebRouteDeps): CustomRoute[] {
  const { logger } = deps;
  return [
    { path: '/healthz', method: ['GET'], handler: guarded(healthz(deps), logger) },
    { path: '/readyz', method: ['GET'], handler: guarded(readyz(deps), logger) },
    { path: '/connect/:token', method: ['GET'], handler: guarded(openConnectLink(deps), logger) },
    { path: CALLBACK_PATH, method: ['GET'], handler: guarded(completeConnection(deps), logger) },
  ];
}

function healthz(deps: WebRouteDeps): Handler {
  return async (_req, res) => {
    if (deps.isReady()) sendJson(res, 200, { status: 'ok' });
    else sendJson(res, 503, { status: 'starting' });
  };
}

const READY_CHECK_TIMEOUT_MS = 2_000;

/** Readiness, for a load balancer: ready only while the database answers (liveness is /healthz). */
function readyz(deps: WebRouteDeps): Handler {
  return async (_req, res) => {
    if (!deps.isReady()) return sendJson(res, 503, { status: 'starting' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('database check timed out')), READY_CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([deps.pingDatabase(), timeout]);
      sendJson(res, 200, { status: 'ready' });
    } catch (err) {
      deps.logger.warn({ err }, 'not ready: the database does not answer');
      sendJson(res, 503, { status: 'database unreachable' });
    } finally {
      clearTimeout(timer);
    }
  };
}

function openConnectLink(deps: WebRouteDeps): Handler {
  return async (req, res) => {
    const token = String(req.params?.['token'] ?? '');
    let opened;
    try {
      opened = await deps.browserAuthorization.openLink(token);
    } catch (err) {
      deps.logger.warn({ err: asAppError(err) }, 'could not start an authorization');
      sendPage(res, 503, 'Could not reach the sign-in service', 'Nothing was changed. Please try the link again in a minute.');
      return;
    }
    if (!opened) {
      sendPage(
        res,
        410,
        'This link has expired or was already used',
        'Each link works once and only for a few minutes. Ask the bot again in Slack and it will send you a new one.',
      );
      return;
    }
    redirect(res, opened.redirectUrl, [sessionCookie(opened.sessionToken, opened.sessionExpiresAt, deps.secureCookies)]);
  };
}

function completeConnection(deps: WebRouteDeps): Handler {
  return async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const cleared = clearedSessionCookie(deps.secureCookies);
    res.setHeader('Set-Cookie', cleared);
    let completed: CompletedAuthorization;
    try {
      completed = await deps.browserAuthorization.complete(readCookie(req, SESSION_COOKIE), query);
    } catch (thrown) {
      const error = asAppError(thrown);
      deps.logger.warn({ err: error }, 'authorization return refused');
      if (error.code === 'BAD_INPUT') {
        sendPage(res, 403, 'Could not connect your account', `${error.message} Ask the bot again in Slack for a new link.`);
      } else {
        sendPage(res, 502, 'Could not connect your account', 'The sign-in service did not answer. Please ask the bot again in Slack.');
      }
      return;
    }
    if (completed.status !== 'ACTIVE') {
      deps.logger.warn({ status: completed.status }, 'account not active after authorization');
      sendPage(res, 409, 'Your account is not connected yet', 'The authorization did not finish. Ask the bot again in Slack for a new link.');
      return;
    }
    deps.logger.info({ user: completed.requester.userId, connection: completed.connection }, 'account connected');
    sendPage(res, 200, 'Connected', 'Your account is connected. You can close this tab and go back to Slack.');
    deps.onConnected(completed);
  };
}
