/**
 * The bot's own HTTP routes, served beside Slack's endpoint in both HTTP and Socket Mode:
 * the DM'd connect link, the return from Sign in with Slack, the return from the agent-auth
 * service, and health.
 */
import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { ForeignReturnError, type BrowserAuthorization, type CompletedAuthorization } from '../actions/browserAuthorization.ts';
import type { SlackIdentity } from '../actions/ports.ts';
import { asAppError } from '../core/errors.ts';
import type { SlackUser } from '../core/slackUser.ts';
import type { Logger } from '../infrastructure/logger.ts';
import {
  clearedSessionCookie,
  clearedSignInCookie,
  readCookie,
  readSignInCookie,
  sessionCookie,
  sessionCookieName,
  signInCookie,
} from './cookies.ts';
import { redirect, sendJson, sendPage } from './pages.ts';

export const CALLBACK_PATH = '/auth/callback';
/** Sign in with Slack's redirect URL: it must be listed in the Slack app's redirect URLs. */
export const SLACK_SIGN_IN_CALLBACK_PATH = '/auth/slack/callback';

export interface WebRouteDeps {
  browserAuthorization: BrowserAuthorization;
  /** Runs after a successful connection (tell the user, finish kept requests); not awaited by the page. */
  onConnected: (completed: CompletedAuthorization) => void;
  /** Someone other than the owner signed in on the owner's link: tell the owner; not awaited. */
  onOpenedBySomeoneElse: (owner: SlackUser, opener: SlackIdentity) => void;
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
    { path: SLACK_SIGN_IN_CALLBACK_PATH, method: ['GET'], handler: guarded(finishSlackSignIn(deps), logger) },
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

function sendLinkGone(res: ServerResponse): void {
  sendPage(
    res,
    410,
    'This link has expired or was already used',
    'Each link works once and only for a few minutes. Ask the bot again in Slack and it will send you a new one.',
  );
}

/** The DM'd link: first off to Slack, to prove whose browser this is. The link is not used up here. */
function openConnectLink(deps: WebRouteDeps): Handler {
  return async (req, res) => {
    const token = String(req.params?.['token'] ?? '');
    const started = await deps.browserAuthorization.startSignIn(token);
    if (!started) return sendLinkGone(res);
    redirect(res, started.authorizeUrl, [signInCookie(started.pending, started.expiresAt, deps.secureCookies)]);
  };
}

/** Slack's return: only the link's owner goes on to the provider. */
function finishSlackSignIn(deps: WebRouteDeps): Handler {
  return async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    let outcome;
    try {
      outcome = await deps.browserAuthorization.finishSignIn(readSignInCookie(req, deps.secureCookies), query);
    } catch (thrown) {
      const error = asAppError(thrown);
      deps.logger.warn({ err: error }, 'Slack sign-in refused');
      // A return that is not this browser's leaves its pending sign-in (and cookie) as they were.
      if (!(thrown instanceof ForeignReturnError)) res.setHeader('Set-Cookie', clearedSignInCookie(deps.secureCookies));
      if (error.code === 'BAD_INPUT') {
        sendPage(res, 403, 'Could not confirm who you are', `${error.message} Open the link from your Slack DM again.`);
      } else {
        sendPage(res, 502, 'Could not reach Slack or the sign-in service', 'Nothing was changed. Please open the link from your Slack DM again in a minute.');
      }
      return;
    }
    const cleared = clearedSignInCookie(deps.secureCookies);
    if (outcome.kind === 'gone') {
      res.setHeader('Set-Cookie', cleared);
      return sendLinkGone(res);
    }
    if (outcome.kind === 'someone-else') {
      deps.logger.warn({ owner: outcome.owner.userId, opener: outcome.opener.userId, openerTeam: outcome.opener.teamId }, 'a connect link was opened by someone else');
      res.setHeader('Set-Cookie', cleared);
      sendPage(
        res,
        403,
        'This link belongs to someone else',
        'A connect link only works for the Slack user it was sent to, so nothing was connected. To connect your own account, ask the bot in Slack and it will send you your own link.',
      );
      deps.onOpenedBySomeoneElse(outcome.owner, outcome.opener);
      return;
    }
    const { opened } = outcome;
    redirect(res, opened.redirectUrl, [cleared, sessionCookie(opened.sessionToken, opened.sessionExpiresAt, deps.secureCookies)]);
  };
}

function completeConnection(deps: WebRouteDeps): Handler {
  return async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    let completed: CompletedAuthorization;
    try {
      completed = await deps.browserAuthorization.complete(readCookie(req, sessionCookieName(deps.secureCookies)), query);
    } catch (thrown) {
      const error = asAppError(thrown);
      deps.logger.warn({ err: error }, 'authorization return refused');
      // A return that does not match the session (e.g. forged and sent to the user) leaves it, and its cookie, alone.
      if (!(thrown instanceof ForeignReturnError)) res.setHeader('Set-Cookie', clearedSessionCookie(deps.secureCookies));
      if (error.code === 'BAD_INPUT') {
        sendPage(res, 403, 'Could not connect your account', `${error.message} Ask the bot again in Slack for a new link.`);
      } else {
        sendPage(res, 502, 'Could not connect your account', 'The sign-in service did not answer. Please ask the bot again in Slack.');
      }
      return;
    }
    res.setHeader('Set-Cookie', clearedSessionCookie(deps.secureCookies));
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
