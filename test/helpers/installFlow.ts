/**
 * "Add to Slack" played as a person's browser would: the bot's install page, Slack's authorize page
 * (the stand-in, approving as the workspace or org the test names), and the return to the bot.
 */
import type { InstallingWorkspace } from '../standins/slackOAuthInstall.ts';
import type { SlackApiStandin } from '../standins/slackApi.ts';
import { TestBrowser } from './browser.ts';

export const STATE_SECRET = 'state-secret-0123456789abcdefABCDEF';
/** 32 bytes in base64, as TOKEN_ENCRYPTION_KEY takes them. */
export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** The settings of the multi-workspace mode (no SLACK_BOT_TOKEN), with Slack's authorize page on the stand-in. */
export function manyWorkspaces(slack: SlackApiStandin, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: '',
    SLACK_STATE_SECRET: STATE_SECRET,
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
    SLACK_OAUTH_AUTHORIZE_URL: slack.install.authorizeUrl,
    ...extra,
  };
}

export interface InstallSteps {
  page: { status: number; body: string };
  /** The Add to Slack button's URL, as the page gives it. */
  authorizeUrl: string;
  /** Where Slack's authorize page sent the browser back (the bot's redirect URL with code and state). */
  redirect: string;
  done: { status: number; location: string | undefined; body: string };
}

/** The button's link on the bot's install page (HTML-escaped there). */
export function buttonHref(page: string): string {
  const href = /<a class="add" href="([^"]+)"/.exec(page)?.[1];
  if (!href) throw new Error(`no Add to Slack button on the page:\n${page.slice(0, 400)}`);
  return href.replace(/&#38;/g, '&').replace(/&amp;/g, '&');
}

/** Opens the bot's install page, approves at Slack as `workspace` and follows the browser back; stops before the return when `stopBeforeReturn`. */
export async function startInstall(botUrl: string, slack: SlackApiStandin, workspace: InstallingWorkspace | undefined, browser = new TestBrowser()) {
  const page = await browser.step(`${botUrl}/slack/install`);
  const authorizeUrl = buttonHref(page.body);
  // Wherever the bot sends the browser, Slack's page is the stand-in's (same query).
  const atSlack = `${slack.install.authorizeUrl}?${new URL(authorizeUrl).searchParams.toString()}`;
  slack.install.approveAs(workspace);
  const back = await browser.step(atSlack);
  if (!back.location) throw new Error(`Slack's authorize page did not send the browser back (${back.status}): ${back.body}`);
  return { browser, page, authorizeUrl, redirect: back.location };
}

export async function install(botUrl: string, slack: SlackApiStandin, workspace: InstallingWorkspace | undefined, browser = new TestBrowser()): Promise<InstallSteps> {
  const started = await startInstall(botUrl, slack, workspace, browser);
  const done = await started.browser.step(started.redirect);
  return { ...started, done };
}
