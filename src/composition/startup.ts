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
import { CALLBACK_PATH } from '../web/routes.ts';

export interface StartupCheckDeps {
  dispatcher: Dispatcher;
  logger: Logger;
  /** Aborted when the bot is stopped while it still waits. */
  signal: AbortSignal;
  delaysMs?: number[];
}

/** Resolves with the bot's Slack ids once every check passed; rejects with SettingRefusedError on a refused setting. */
export async function checkSettingsWithServices(config: Config, deps: StartupCheckDeps): Promise<BotIdentity> {
  // One refusal is enough to stop: the other check stops waiting too.
  const giveUp = new AbortController();
  const signal = AbortSignal.any([deps.signal, giveUp.signal]);
  const options = { logger: deps.logger, signal, ...(deps.delaysMs ? { delaysMs: deps.delaysMs } : {}) };
  const slack = untilReachable('Slack to check SLACK_BOT_TOKEN (auth.test)', () => checkBotToken(config.slack.botToken, config.slack.apiUrl), options);
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
    healthCheck: `${base}/healthz`,
  };
}

export function logUrlsToConfigure(config: Config, logger: Logger): void {
  const urls = urlsToConfigure(config);
  const lines = [
    urls.slackRequestEndpoint && `Slack request URL (slash commands, events, interactivity; \`npm run manifest\` fills it in): ${urls.slackRequestEndpoint}`,
    urls.googleRedirectUri && `Google OAuth client's authorized redirect URI: ${urls.googleRedirectUri}`,
    `Health check: ${urls.healthCheck} (readiness: ${config.publicUrl}/readyz)`,
  ].filter(Boolean);
  logger.info(urls, `URLs to configure for PUBLIC_URL ${config.publicUrl}:\n  ${lines.join('\n  ')}`);
}
