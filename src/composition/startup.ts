/**
 * Part of the composition root: what the bot checks and says at start, before it calls itself
 * ready. The settings that only their service can judge (the Slack bot token, the Scalekit
 * credentials) are tried against it, waiting out an outage; and the URLs a person must enter in
 * Slack's and Google's consoles are printed for the PUBLIC_URL in use.
 */
import type { Dispatcher } from 'undici';
import { checkScalekitCredentials } from '../agentAuth/scalekit/credentialCheck.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { untilReachable } from '../infrastructure/untilReachable.ts';
import { checkBotToken, type BotIdentity } from '../slack/botTokenCheck.ts';
import { INSTALL_PATH, INSTALL_REDIRECT_PATH } from '../web/installRoutes.ts';
import { CALLBACK_PATH } from '../web/routes.ts';

export interface StartupCheckDeps {
  dispatcher: Dispatcher;
  logger: Logger;
  /** Aborted when the bot is stopped while it still waits. */
  signal: AbortSignal;
  delaysMs?: number[];
}

/**
 * Resolves with the bot's Slack ids once every check passed (undefined when the bot serves many
 * workspaces: there is no one bot token to check, each installation's token was checked when it was
 * installed); rejects with SettingRefusedError on a refused setting.
 */
export async function checkSettingsWithServices(config: Config, deps: StartupCheckDeps): Promise<BotIdentity | undefined> {
  // One refusal is enough to stop: the other check stops waiting too.
  const giveUp = new AbortController();
  const signal = AbortSignal.any([deps.signal, giveUp.signal]);
  const options = { logger: deps.logger, signal, ...(deps.delaysMs ? { delaysMs: deps.delaysMs } : {}) };
  const { workspaces } = config.slack;
  const slack = workspaces.kind === 'single'
    ? untilReachable('Slack to check SLACK_BOT_TOKEN (auth.test)', () => checkBotToken(workspaces.botToken, config.slack.apiUrl), options)
    : Promise.resolve(undefined);
  const auth = config.agentAuth;
  const scalekit = auth.kind === 'scalekit'
    ? untilReachable('Scalekit to check SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET', () => checkScalekitCredentials(auth, deps.dispatcher), options)
    : Promise.resolve();
  try {
    const [identity] = await Promise.all([slack, scalekit]);
    return identity;
  } catch (error) {
    giveUp.abort(error);
    await Promise.allSettled([slack, scalekit]);
    throw error;
  }
}

/** The URLs to enter elsewhere, by where they go (keys without "url": the log redactor hides fields named so). */
export function urlsToConfigure(config: Config): Record<string, string> {
  const base = config.publicUrl;
  return {
    ...(config.slack.appToken ? {} : { slackRequestEndpoint: `${base}/slack/events` }),
    ...(config.agentAuth.kind === 'local' ? { googleRedirectUri: `${base}${CALLBACK_PATH}` } : {}),
    ...(config.slack.workspaces.kind === 'many' ? { slackInstallPage: `${base}${INSTALL_PATH}`, slackInstallRedirect: `${base}${INSTALL_REDIRECT_PATH}` } : {}),
    healthCheck: `${base}/healthz`,
  };
}

export function logUrlsToConfigure(config: Config, logger: Logger): void {
  const urls = urlsToConfigure(config);
  const lines = [
    urls.slackRequestEndpoint && `Slack request URL (slash commands, events, interactivity; \`npm run manifest\` fills it in): ${urls.slackRequestEndpoint}`,
    urls.slackInstallRedirect && `Slack app's OAuth redirect URL (OAuth & Permissions > Redirect URLs; \`npm run manifest\` lists it): ${urls.slackInstallRedirect}`,
    urls.slackInstallPage && `"Add to Slack" page, to share with the workspaces that may install the bot: ${urls.slackInstallPage}`,
    urls.googleRedirectUri && `Google OAuth client's authorized redirect URI: ${urls.googleRedirectUri}`,
    `Health check: ${urls.healthCheck} (readiness: ${config.publicUrl}/readyz)`,
  ].filter(Boolean);
  logger.info(urls, `URLs to configure for PUBLIC_URL ${config.publicUrl}:\n  ${lines.join('\n  ')}`);
}
