/**
 * Part of the composition root: serving many workspaces (SLACK_STATE_SECRET). The installations on
 * the bot's database (bot tokens sealed under TOKEN_ENCRYPTION_KEY), each workspace's bot token
 * (rotated once across instances), Slack's InstallProvider with our installation and state stores,
 * and the "Add to Slack" routes. Nothing of it exists in the single-workspace mode.
 */
import type { CustomRoute } from '@slack/bolt';
import { InstallProvider } from '@slack/oauth';
import { LogLevel, WebClient } from '@slack/web-api';
import type { Config } from '../infrastructure/config.ts';
import { Keyring } from '../infrastructure/crypto/keyring.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import { SqlInstallations } from '../infrastructure/storage/sqlInstallations.ts';
import { SqlInstallStates } from '../infrastructure/storage/sqlInstallStates.ts';
import { boltLogger } from '../slack/boltLogger.ts';
import { BotTokens, type RefreshBotToken } from '../slack/install/botTokens.ts';
import type { Installations } from '../actions/workspaces/ports.ts';
import { BotInstallationStore, installationsForRemoval } from '../slack/install/installationStore.ts';
import { BOT_SCOPES } from '../slack/install/scopes.ts';
import { DatabaseStateStore, INSTALL_STATE_TTL_SECONDS } from '../slack/install/stateStore.ts';
import { INSTALL_REDIRECT_PATH, installPage, installRoutes } from '../web/installRoutes.ts';

export interface SlackInstall {
  tokens: BotTokens;
  /** @slack/oauth's store; `delete({ teamId, enterpriseId, isEnterpriseInstall })` removes an installation (uninstall). */
  installations: BotInstallationStore;
  routes: CustomRoute[];
  /** The installations as an uninstall forgets them (ForgetWorkspace's port). */
  forRemoval: Installations;
}

export function createSlackInstall(config: Config, deps: { db: Database; logger: Logger; now: () => Date }): SlackInstall | undefined {
  const { workspaces } = config.slack;
  if (workspaces.kind !== 'many') return undefined;
  const { db, logger, now } = deps;
  const store = new SqlInstallations(db, new Keyring(workspaces.encryptionKeys));
  const apiOptions = { slackApiUrl: config.slack.apiUrl, timeout: 10_000, logLevel: LogLevel.ERROR };
  const tokens = new BotTokens({ store, refresh: refreshWith(config, new WebClient(undefined, { ...apiOptions, retryConfig: { retries: 0 } })), now, logger });
  const installations = new BotInstallationStore({ store, now, changed: (key) => tokens.forget(key) });
  const installer = new InstallProvider({
    clientId: config.slack.clientId,
    clientSecret: config.slack.clientSecret,
    authorizationUrl: workspaces.authorizeUrl,
    installationStore: installations,
    stateStore: new DatabaseStateStore({ states: new SqlInstallStates(db), secret: workspaces.stateSecret, now }),
    stateCookieExpirationSeconds: INSTALL_STATE_TTL_SECONDS,
    // Its cookie is Secure, HttpOnly, Path=/ with no Domain: on https the __Host- prefix holds, as for the bot's own cookies.
    stateCookieName: config.publicUrl.startsWith('https:') ? '__Host-slack-app-oauth-state' : 'slack-app-oauth-state',
    installUrlOptions: { scopes: [...BOT_SCOPES], redirectUri: `${config.publicUrl}${INSTALL_REDIRECT_PATH}` },
    renderHtmlForInstallPath: installPage,
    // Its debug lines carry the authorize URL with its state: boltLogger drops debug output.
    logger: boltLogger(logger),
    clientOptions: { ...apiOptions, retryConfig: { retries: 2 } },
  });
  return { tokens, installations, routes: installRoutes({ installer, logger }), forRemoval: installationsForRemoval(installations) };
}

/** oauth.v2.access with the refresh token, the client id and secret in the form body (as Slack documents). */
function refreshWith(config: Config, client: WebClient): RefreshBotToken {
  return async (refreshToken) => {
    // No retry: a refresh that reached Slack but whose answer was lost has spent the refresh token.
    const answer = await client.oauth.v2.access({
      client_id: config.slack.clientId,
      client_secret: config.slack.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    if (!answer.access_token || !answer.refresh_token || typeof answer.expires_in !== 'number') {
      throw new Error('oauth.v2.access answered a refresh without a token pair');
    }
    return { accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresInSeconds: answer.expires_in };
  };
}
