/**
 * The start-up check of SLACK_BOT_TOKEN: one `auth.test` call before the bot says it is ready.
 * A token Slack refuses, or one of the wrong kind, stops the bot with the setting named and where
 * to copy the right value; anything else (unreachable, 5xx, rate limited) is thrown as it is, for
 * the caller to retry. Its answer (the bot's own ids) is what Bolt's authorize hands to listeners.
 */
import { LogLevel, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { SettingRefusedError } from '../infrastructure/settingRefused.ts';

export interface BotIdentity {
  botId: string;
  botUserId: string;
  teamId: string | undefined;
}

const WHERE_TO_COPY =
  'copy the Bot User OAuth Token (xoxb-...) from your Slack app settings (api.slack.com/apps > your app) > OAuth & Permissions > Bot User OAuth Token, installing the app to the workspace first if it is not there';

/** Slack's answers that mean the token itself is no good: no retry will change them. */
const REFUSALS: Record<string, string> = {
  invalid_auth: 'is not a valid token',
  not_authed: 'is empty or was not sent',
  token_revoked: 'was revoked (the app was uninstalled or the token regenerated)',
  token_expired: 'has expired (token rotation is on; the bot needs a non-expiring bot token)',
  account_inactive: 'belongs to a deleted user or a workspace that is gone',
};

/** Token prefixes that are certainly not bot tokens, and what they are instead. */
const OTHER_KINDS: Record<string, string> = {
  'xoxp-': 'a user token (xoxp-)',
  'xapp-': 'an app-level token (xapp-), which goes in SLACK_APP_TOKEN',
  'xoxe-': 'a refresh or configuration token (xoxe-)',
  'xoxc-': 'a browser session token (xoxc-)',
  'xoxa-': 'a workspace app token (xoxa-)',
};

export async function checkBotToken(token: string, apiUrl: string): Promise<BotIdentity> {
  const otherKind = Object.entries(OTHER_KINDS).find(([prefix]) => token.startsWith(prefix))?.[1];
  if (otherKind) throw wrongKind(otherKind);
  // No client-side retries or warnings: the caller retries, and logs what it is waiting for between attempts.
  const client = new WebClient(token, {
    slackApiUrl: apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 10_000, logLevel: LogLevel.ERROR,
  });
  let answer;
  try {
    answer = await client.auth.test();
  } catch (error) {
    const code = error instanceof WebAPIPlatformError ? error.data.error : undefined;
    const refusal = code === undefined ? undefined : REFUSALS[code];
    if (refusal) {
      throw new SettingRefusedError(['SLACK_BOT_TOKEN'], `SLACK_BOT_TOKEN was refused by Slack (${code}): it ${refusal}. To fix it, ${WHERE_TO_COPY}.`);
    }
    throw error;
  }
  if (!answer.bot_id || !answer.user_id) throw wrongKind('not a bot token (Slack knows it, but as a user\'s token, not a bot\'s)');
  return { botId: answer.bot_id, botUserId: answer.user_id, teamId: answer.team_id };
}

function wrongKind(what: string): SettingRefusedError {
  return new SettingRefusedError(['SLACK_BOT_TOKEN'], `SLACK_BOT_TOKEN is ${what}, not a bot token. To fix it, ${WHERE_TO_COPY}.`);
}

/**
 * Socket Mode's start (apps.connections.open with SLACK_APP_TOKEN) fails at once on an app token
 * Slack refuses: that failure, as a refused setting. Undefined for any other failure.
 */
export function appTokenRefusal(error: unknown): SettingRefusedError | undefined {
  const code = error instanceof WebAPIPlatformError ? error.data.error : undefined;
  if (code === undefined || !(code in REFUSALS || code === 'user_removed_from_team' || code === 'team_disabled')) return undefined;
  return new SettingRefusedError(
    ['SLACK_APP_TOKEN'],
    `SLACK_APP_TOKEN was refused by Slack (${code}). To fix it, copy an app-level token (xapp-...) with the connections:write scope from your Slack app settings > Basic Information > App-Level Tokens, or leave SLACK_APP_TOKEN unset for HTTP mode.`,
  );
}
