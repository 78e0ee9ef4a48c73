/**
 * Runs the real bot with the built-in agent-auth backend (no Scalekit), in HTTP mode, against
 * oauth2-mock-server as the OAuth provider and the Slack and Gmail stand-ins. The database lives in
 * a temporary directory, so a test can restart the bot on the same data (e.g. with rotated keys) and
 * read the raw database once the bot is stopped. The bot's clock can be moved forward.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createBot, type Bot } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/infrastructure/config.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { startCalendarStandin, type CalendarStandin } from '../standins/calendarStandin.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startOAuthProvider, type OAuthProviderStandin } from '../standins/oauthProvider.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../standins/slackApi.ts';
import { BOT_TOKEN, SIGNING_SECRET, TEAM, commandSender, signInWithSlack, unreadSender, type Harness, type SignedInAs } from './botHarness.ts';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../standins/slackOidc.ts';
import { freePort } from './freePort.ts';
import { TestBrowser } from './browser.ts';
import { LogCapture } from './logCapture.ts';

export const GOOGLE_CLIENT_SECRET = 'google-client-secret-value';
export const newKey = () => randomBytes(32).toString('base64');

/** Each hop of a connection, as the browser saw it. */
export interface ConnectTrail {
  status: number;
  body: string;
  /** Where the bot sent the browser: the provider's authorization URL (state, challenge, ...). */
  authorizeUrl: string | undefined;
  /** Where the provider sent it back: the bot's callback with code (or error) and state. */
  callbackUrl: string | undefined;
}

export interface LocalHarness {
  botUrl: string;
  config: Config;
  slack: SlackApiStandin;
  gmail: GmailStandin;
  calendar: CalendarStandin;
  provider: OAuthProviderStandin;
  logs: LogCapture;
  dataDir: string;
  /** Moves the bot's clock forward. */
  advance(ms: number): void;
  identifierOf(userId: string): string;
  unread: Harness['unread'];
  command: Harness['command'];
  /** Plays the browser: the DM'd link, the provider, the callback. `tamper` may rewrite the callback URL. */
  connect(linkUrl: string, options?: { browser?: TestBrowser; as?: SignedInAs; tamper?: (callback: URL) => void }): Promise<ConnectTrail>;
  /** Stops the bot and starts it again on the same data, with these settings changed. */
  restart(env?: Record<string, string>): Promise<void>;
  /** Stops the bot (it stays stopped until `restart`). */
  stopBot(): Promise<void>;
  /** With the bot stopped: every row of every table, and every byte of every file of the database. */
  rawDatabase(): Promise<{ rows: Record<string, Array<Record<string, unknown>>>; files: Buffer[] }>;
  close(): Promise<void>;
}

export async function startLocalHarness(env: Record<string, string> = {}): Promise<LocalHarness> {
  const slack = await startSlackApiStandin({ botToken: BOT_TOKEN });
  const gmail = await startGmailStandin({ emailAddress: 'alice@example.com' });
  const calendar = await startCalendarStandin();
  const provider = await startOAuthProvider();
  // The provider's access tokens are JWTs; Gmail and Calendar accept each one it issues, as Google would.
  provider.onAccessToken((token) => {
    gmail.allowToken(token);
    calendar.allowToken(token);
  });
  const port = await freePort();
  const botUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'agent-auth-'));
  const logs = new LogCapture();
  let offsetMs = 0;
  let settings: Record<string, string> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CLIENT_ID,
    SLACK_CLIENT_SECRET,
    SLACK_OIDC_AUTHORIZE_URL: slack.oidc.authorizeUrl,
    PORT: String(port),
    PUBLIC_URL: botUrl,
    LOG_LEVEL: 'trace',
    GOOGLE_CLIENT_ID: 'test-client.apps.googleusercontent.com',
    GOOGLE_CLIENT_SECRET,
    GOOGLE_AUTH_URL: provider.authorizationUrl,
    GOOGLE_TOKEN_URL: provider.tokenUrl,
    GOOGLE_REVOKE_URL: provider.revocationUrl,
    TOKEN_ENCRYPTION_KEY: newKey(),
    DATABASE_URL: join(dataDir, 'bot.sqlite'),
    SLACK_API_URL: slack.url,
    GMAIL_API_URL: gmail.url,
    CALENDAR_API_URL: calendar.url,
    ...env,
  };
  let bot: Bot | undefined;
  let config = loadConfig(settings);

  const launch = async () => {
    config = loadConfig(settings);
    const secrets = [BOT_TOKEN, SIGNING_SECRET, GOOGLE_CLIENT_SECRET, SLACK_CLIENT_SECRET, ...settings.TOKEN_ENCRYPTION_KEY!.split(',')];
    const logger = createLogger({ level: 'trace', knownSecrets: secrets, destination: logs.stream });
    bot = await createBot(config, { logger, now: () => new Date(Date.now() + offsetMs), revocationRetryMs: 300, workspaceRemovalMs: 300 });
    await bot.start();
  };
  const stopBot = async () => {
    await bot?.stop(5_000);
    bot = undefined;
  };
  await launch();

  return {
    botUrl,
    get config() {
      return config;
    },
    slack,
    gmail,
    calendar,
    provider,
    logs,
    dataDir,
    advance: (ms) => void (offsetMs += ms),
    identifierOf: (userId) => `slack:T:${TEAM}:${userId}`,
    unread: unreadSender(botUrl, slack),
    command: commandSender(botUrl, slack),
    async connect(linkUrl, options = {}) {
      const browser = options.browser ?? new TestBrowser();
      const toProvider = await signInWithSlack(slack, browser, linkUrl, options.as);
      if (!toProvider.location) return { ...toProvider, authorizeUrl: undefined, callbackUrl: undefined };
      const back = await browser.step(toProvider.location);
      if (!back.location) return { ...back, authorizeUrl: toProvider.location, callbackUrl: undefined };
      const callback = new URL(back.location);
      options.tamper?.(callback);
      const page = await browser.step(callback.toString());
      return { status: page.status, body: page.body, authorizeUrl: toProvider.location, callbackUrl: callback.toString() };
    },
    async restart(changes = {}) {
      await stopBot();
      settings = { ...settings, ...changes };
      await launch();
    },
    stopBot,
    async rawDatabase() {
      if (bot) throw new Error('stop the bot first: the embedded database has one user at a time');
      const db = new DatabaseSync(join(dataDir, 'bot.sqlite'), { readOnly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
        const rows: Record<string, Array<Record<string, unknown>>> = {};
        for (const { name } of tables) rows[name] = db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>;
        return { rows, files: filesUnder(dataDir).map((file) => readFileSync(file)) };
      } finally {
        db.close();
      }
    },
    async close() {
      await stopBot();
      await Promise.all([slack.close(), gmail.close(), calendar.close(), provider.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
