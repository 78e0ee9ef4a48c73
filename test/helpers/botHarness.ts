/**
 * Runs the real bot in HTTP mode, in this process, against local stand-ins of the Slack Web API,
 * Gmail and Scalekit, with its logs captured. Every upstream is reached over real sockets through
 * the bot's production clients; only the base URLs differ.
 */
import { freePort } from './freePort.ts';
import { createBot, type Bot, type BotOptions } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/infrastructure/config.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { startCalendarStandin, type CalendarStandin } from '../standins/calendarStandin.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type RecordedCall, type SlackApiStandin } from '../standins/slackApi.ts';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../standins/slackOidc.ts';
import { TestBrowser } from './browser.ts';
import { LogCapture } from './logCapture.ts';
import { commandAnswer, sendSlashCommand, type SentRequest } from './slackRequests.ts';

export const BOT_TOKEN = 'xoxb-1111-2222-botTokenSecretValue';
export const SIGNING_SECRET = 'signing-secret-0123456789abcdef';
export const SCALEKIT_SECRET = 'scalekit-client-secret-value';
export const TEAM = 'T0TEAM';
export const GMAIL_MODIFY = 'https://www.googleapis.com/auth/gmail.modify';
export const GMAIL_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';

export interface Harness {
  botUrl: string;
  config: Config;
  bot: Bot;
  slack: SlackApiStandin;
  gmail: GmailStandin;
  calendar: CalendarStandin;
  scalekit: ScalekitEmulator;
  logs: LogCapture;
  /** The connected-account identifier the bot uses for a user of TEAM. */
  identifierOf(userId: string): string;
  unread(userId: string, text?: string, responseId?: string): Promise<SentRequest & { responseUrl: string }>;
  /**
   * Plays the user's browser through the DM'd link, Sign in with Slack (as the link's owner unless
   * `as` names someone else), Scalekit's consent and the return.
   */
  connect(linkUrl: string, browser?: TestBrowser, as?: SignedInAs): Promise<{ status: number; body: string }>;
  /** Seeds an ACTIVE account whose token Gmail accepts. */
  activate(userId: string, token?: string): string;
  /** Seeds an ACTIVE Calendar account whose token the Calendar stand-in accepts. */
  activateCalendar(userId: string, token?: string): string;
  /** Sends a slash command as Slack would, signed, from a user of TEAM, with its own response_url. */
  /** `raw`: the text is sent as given (Slack's own markup, e.g. `<#C1|ops>`), not escaped as typed text. */
  command(command: string, userId: string, text: string, options?: { channelId?: string; raw?: boolean }): Promise<SentRequest & { responseUrl: string }>;
  /**
   * What a command was answered with: the body of its acknowledgement when the answer came inline
   * (INLINE_ANSWER_MS), else the first post to its response_url.
   */
  answerOf(sent: SentRequest & { responseUrl: string }, timeoutMs?: number): Promise<{ where: 'ack' | 'response_url'; body: unknown }>;
  /**
   * Waits until the bot has no work in flight (retries and their waits included) and Slack's
   * stand-in no request open, then resets Slack's stand-in: one test's late work and queued
   * failures cannot leak into the next. Quicker than `slack.settle()`, which waits out a quiet period.
   */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}


/**
 * `env`: settings over the defaults (a function of the Slack stand-in where one needs its URLs). `now`: the bot's clock (e.g. skewed ahead to expire its caches); Slack's signatures still use the
 * real one. `keptRequestSweepMs`: how often the bot sweeps kept requests (its default otherwise);
 * `bot`: other options for the bot (e.g. how often it looks for due digests).
 */
export async function startHarness(
  env: Record<string, string> | ((slack: SlackApiStandin) => Record<string, string>) = {},
  options: { now?: () => Date; keptRequestSweepMs?: number; bot?: Omit<BotOptions, 'logger' | 'now'> } = {},
): Promise<Harness> {
  const slack = await startSlackApiStandin({ botToken: BOT_TOKEN });
  const gmail = await startGmailStandin({ emailAddress: 'alice@example.com' });
  const calendar = await startCalendarStandin();
  const scalekit = await startScalekitEmulator({ clientId: 'skc_test', clientSecret: SCALEKIT_SECRET });
  const port = await freePort();
  const botUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CLIENT_ID,
    SLACK_CLIENT_SECRET,
    SLACK_OIDC_AUTHORIZE_URL: slack.oidc.authorizeUrl,
    PORT: String(port),
    PUBLIC_URL: botUrl,
    LOG_LEVEL: 'trace',
    SCALEKIT_ENV_URL: scalekit.url,
    SCALEKIT_CLIENT_ID: scalekit.clientId,
    SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
    DATABASE_URL: 'memory://',
    SLACK_API_URL: slack.url,
    GMAIL_API_URL: gmail.url,
    CALENDAR_API_URL: calendar.url,
    ...(typeof env === 'function' ? env(slack) : env),
  });
  const logs = new LogCapture();
  const logger = createLogger({
    level: 'trace',
    knownSecrets: [BOT_TOKEN, SIGNING_SECRET, SCALEKIT_SECRET, SLACK_CLIENT_SECRET],
    destination: logs.stream,
  });
  const bot = await createBot(config, {
    logger,
    // The SDK's waits between retries of a Scalekit that is down (1, 2, 4 s) shrunk to a twentieth.
    scalekitBackoffScale: 0.05,
    ...options.bot,
    ...(options.now ? { now: options.now } : {}),
    ...(options.keptRequestSweepMs ? { keptRequestSweepMs: options.keptRequestSweepMs } : {}),
  });
  await bot.start();

  const identifierOf = (userId: string) => `slack:T:${TEAM}:${userId}`;
  /** An ACTIVE account on `connection` whose token the matching stand-in accepts for an hour. */
  const activateIn = (connection: string, api: { allowToken(token: string): void }, userId: string, token: string) => {
    scalekit.setAccount(connection, identifierOf(userId), { status: 'ACTIVE', accessToken: token, expiresAt: new Date(Date.now() + 3_600_000) });
    api.allowToken(token);
    return token;
  };
  return {
    botUrl,
    config,
    bot,
    slack,
    gmail,
    calendar,
    scalekit,
    logs,
    identifierOf,
    unread: unreadSender(botUrl, slack),
    async connect(linkUrl, browser = new TestBrowser(), as) {
      const toScalekit = await signInWithSlack(slack, browser, linkUrl, as);
      if (!toScalekit.location) return toScalekit;
      const consent = await browser.step(toScalekit.location);
      // Scalekit granted a Google token at consent; the Gmail stand-in must accept it from now on,
      // for reading only when the connection's scopes leave out gmail.modify.
      const request = scalekit.lastMagicLinkRequest;
      const account = request && scalekit.getAccount(request.connection, request.identifier);
      const granted = account?.accessToken;
      if (granted) {
        if (account.scopes?.includes(GMAIL_MODIFY) === false) gmail.allowReadOnlyToken(granted);
        else gmail.allowToken(granted);
        calendar.allowToken(granted);
      }
      if (!consent.location) return consent;
      return browser.open(consent.location);
    },
    activate: (userId, token = `ya29.active-${userId}`) => activateIn(config.gmail.connectionName, gmail, userId, token),
    activateCalendar: (userId, token = `ya29.calendar-${userId}`) => activateIn(config.calendar.connectionName, calendar, userId, token),
    command: commandSender(botUrl, slack),
    answerOf: (sent, timeoutMs) => commandAnswer(slack, sent, timeoutMs),
    async settle(timeoutMs = 30_000) {
      if (!(await bot.idle(timeoutMs))) throw new Error(`the bot still had work in flight after ${timeoutMs} ms`);
      await slack.settle(0);
    },
    async close() {
      await bot.stop(5_000);
      await Promise.all([slack.close(), gmail.close(), calendar.close(), scalekit.close()]);
    },
  };
}

/** Sends any slash command as Slack would, signed, from a user of TEAM; each with its own response_url. */
export function commandSender(botUrl: string, slack: SlackApiStandin): Harness['command'] {
  let commands = 0;
  return async (command, userId, text, options = {}) => {
    const responseUrl = slack.responseUrl(`c${++commands}`);
    const channelId = options.channelId ?? 'C0GENERAL';
    const sent = await sendSlashCommand(
      `${botUrl}/slack/events`,
      SIGNING_SECRET,
      { command, text, userId, teamId: TEAM, channelId, responseUrl },
      { rawText: options.raw === true },
    );
    return { ...sent, responseUrl };
  };
}

/** Sends `/unread` as Slack would, signed, from a user of TEAM; each with its own response_url. */
export function unreadSender(botUrl: string, slack: SlackApiStandin): Harness['unread'] {
  let responses = 0;
  return async (userId, text = '', responseId) => {
    const responseUrl = slack.responseUrl(responseId ?? `r${++responses}`);
    const sent = await sendSlashCommand(`${botUrl}/slack/events`, SIGNING_SECRET, {
      command: '/unread',
      text,
      userId,
      teamId: TEAM,
      channelId: 'C0GENERAL',
      responseUrl,
    });
    return { ...sent, responseUrl };
  };
}

export interface SignedInAs {
  userId: string;
  teamId: string;
}

/** The user a link was DM'd to, from the recorded DM that carried it. */
export function ownerOfLink(slack: SlackApiStandin, linkUrl: string): SignedInAs {
  const dm = slack.history.find((c) => c.method === 'chat.postMessage' && JSON.stringify(c.body).includes(linkUrl));
  const channel = String(dm?.body.channel ?? '');
  if (!channel.startsWith('D')) throw new Error('no DM carried this link');
  return { userId: channel.slice(1), teamId: TEAM };
}

/**
 * Opens the link in `browser`, signed in to Slack as `as` (default: the link's owner), and follows it
 * through Slack's authorize step back to the bot: the bot's answer (a redirect to the provider, or a page).
 */
export async function signInWithSlack(
  slack: SlackApiStandin,
  browser: TestBrowser,
  linkUrl: string,
  as: SignedInAs = ownerOfLink(slack, linkUrl),
): Promise<{ status: number; location: string | undefined; body: string }> {
  await browser.step(slack.oidc.signInUrl(as.userId, as.teamId));
  const toSlack = await browser.step(linkUrl);
  if (!toSlack.location) return toSlack;
  const back = await browser.step(toSlack.location);
  if (!back.location) return back;
  return browser.step(back.location);
}

/** The URL of the button in the authorization prompt DM'd to a user. */
export function authorizationLinkIn(call: RecordedCall): string {
  const blocks = (call.body as { blocks?: unknown }).blocks;
  const found = JSON.stringify(blocks ?? []).match(/"url":"([^"]+\/connect\/[^"]+)"/);
  if (!found?.[1]) throw new Error('no authorization link in the DM');
  return found[1];
}
