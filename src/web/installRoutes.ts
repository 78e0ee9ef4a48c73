/**
 * "Add to Slack" in the multi-workspace mode, through Slack's own @slack/oauth InstallProvider:
 * `GET /slack/install` shows a page with the button (the InstallProvider sets its state cookie,
 * binding the install to this browser), `GET /slack/oauth_redirect` completes it (the state checked
 * against that cookie, then used up in the database, then the code exchanged at oauth.v2.access and
 * the installation stored). The pages are ours, plain and escaped; nothing secret is logged.
 */
import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { ErrorCode, type CodedError, type Installation, type InstallProvider } from '@slack/oauth';
import type { Logger } from '../infrastructure/logger.ts';
import { escapeHtml, SECURITY_HEADERS, sendPage } from './pages.ts';

export const INSTALL_PATH = '/slack/install';
export const INSTALL_REDIRECT_PATH = '/slack/oauth_redirect';

export interface InstallRouteDeps {
  installer: Pick<InstallProvider, 'handleInstallPath' | 'handleCallback'>;
  /** Told of a completed install (the workspace or org), after it was stored; not awaited. */
  onInstalled?: (installation: Installation) => void;
  logger: Logger;
}

/** The install page: the button is a plain link to Slack's authorize page (no script, no remote image). */
export function installPage(authorizeUrl: string): string {
  const href = escapeHtml(authorizeUrl);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Add Agent Actions to Slack</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1d1c1d}
a.add{display:inline-block;padding:.6rem 1.2rem;border:1px solid #ddd;border-radius:6px;background:#fff;color:#1d1c1d;font-weight:600;text-decoration:none}</style>
</head><body><h1>Add Agent Actions to your Slack workspace</h1>
<p>It reads your unread Gmail, adds Google Calendar events and alerts your team, through each person's own connected accounts.</p>
<p><a class="add" href="${href}">Add to Slack</a></p></body></html>`;
}

function failureOf(error: CodedError): { status: number; title: string; message: string } {
  switch (error.code) {
    case ErrorCode.InvalidStateError:
    case ErrorCode.MissingStateError:
      return {
        status: 403,
        title: 'This install link has expired or was already used',
        message: 'An install works once, in the browser it was started in, within 10 minutes. Start again from the "Add to Slack" page.',
      };
    case ErrorCode.AuthorizationError:
    case ErrorCode.MissingCodeError:
      return { status: 400, title: 'The bot was not installed', message: 'The install was cancelled in Slack, so nothing was installed. Start again from the "Add to Slack" page if you meant to.' };
    default:
      return { status: 502, title: 'The bot was not installed', message: 'Slack did not complete the install. Nothing was installed; please start again from the "Add to Slack" page in a minute.' };
  }
}

export function installRoutes(deps: InstallRouteDeps): CustomRoute[] {
  const { installer, logger } = deps;
  const guarded = (handler: (req: Parameters<CustomRoute['handler']>[0], res: ServerResponse) => Promise<void>): CustomRoute['handler'] =>
    (req, res) => {
      handler(req, res).catch((err: unknown) => {
        logger.error({ err: { name: (err as Error)?.name, code: (err as CodedError)?.code } }, 'install route failed');
        if (!res.headersSent) sendPage(res, 500, 'Something went wrong', 'Nothing was installed. Please start again from the "Add to Slack" page.');
        else res.end();
      });
    };
  return [
    {
      path: INSTALL_PATH,
      method: ['GET'],
      handler: guarded(async (req, res) => {
        for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
        await installer.handleInstallPath(req, res);
      }),
    },
    {
      path: INSTALL_REDIRECT_PATH,
      method: ['GET'],
      handler: guarded(async (req, res) => {
        await installer.handleCallback(req, res, {
          success: (installation) => {
            const where = installation.isEnterpriseInstall ? installation.enterprise?.name : installation.team?.name;
            logger.info({ team: installation.team?.id, enterprise: installation.enterprise?.id, orgWide: installation.isEnterpriseInstall === true }, 'installed in a workspace');
            sendPage(res, 200, 'Agent Actions is installed', `It is now in ${where ?? 'your workspace'}. Go back to Slack and type /unread, or open the app's Home tab.`);
            deps.onInstalled?.(installation);
          },
          failure: (error) => {
            // Only the code: the error's text may quote what Slack answered.
            logger.warn({ code: error.code }, 'an install did not complete');
            const { status, title, message } = failureOf(error);
            sendPage(res, status, title, message);
          },
        });
      }),
    },
  ];
}
