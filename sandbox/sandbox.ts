/**
 * The sandbox: the stand-ins the tests use (Slack's Web API and Sign in with Slack, Gmail, Calendar,
 * an OAuth 2.0 provider with PKCE) with a face on them, and the real bot pointed at them through
 * the settings it already has. Nothing here is on the bot's production path.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCalendarStandin } from '../test/standins/calendarStandin.ts';
import { startGmailStandin, type GmailStandin, type StoredMessage } from '../test/standins/gmailStandin.ts';
import { startOAuthProvider } from '../test/standins/oauthProvider.ts';
import { startSlackApiStandin, STANDIN_DEFAULTS, type SlackApiStandin } from '../test/standins/slackApi.ts';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../test/standins/slackOidc.ts';
import { freePort } from '../test/helpers/freePort.ts';
import { startBot, type BotProcess } from './bot.ts';
import { SlackDelivery, type SandboxUser } from './slackDelivery.ts';
import { startWebServer } from './web.ts';
import { Workspace } from './workspace.ts';

export const SANDBOX_USER: SandboxUser & { email: string } = { id: 'U0SANDBOX', name: 'alice', teamId: STANDIN_DEFAULTS.teamId, email: 'alice@example.com' };
export const GENERAL = { id: 'C0GENERAL', name: 'general' };
export const BOT_NAME = 'Agent Actions';

export interface Sandbox {
  /** The page: http://localhost:PORT */
  url: string;
  bot: BotProcess;
  dataDir: string;
  gmail: GmailStandin;
  /** The Slack stand-in behind the page (for tests: e.g. to hold a call and see the page meanwhile). */
  slack: SlackApiStandin;
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** The page's port (0: any free one). */
  port?: number;
  /** Where the bot keeps its database and log (default: a new temporary folder, removed on close). */
  dataDir?: string;
  /** Settings for the bot on top of the sandbox's own (e.g. SHUTDOWN_DRAIN_SECONDS for a quicker close). */
  settings?: Record<string, string>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(24).toString('hex');
  const googleClient = { id: 'sandbox-client.apps.googleusercontent.com', secret: randomBytes(24).toString('hex') };
  const slackClient = { id: SLACK_CLIENT_ID, secret: SLACK_CLIENT_SECRET };
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'agent-actions-sandbox-'));

  const slack = await startSlackApiStandin({ botToken, oauthClient: slackClient });
  const gmail = await startGmailStandin({ emailAddress: SANDBOX_USER.email });
  const calendar = await startCalendarStandin({ email: SANDBOX_USER.email });
  const provider = await startOAuthProvider();
  // The account the consent page shows is the one the bot is told it connected.
  provider.setAccount({ email: SANDBOX_USER.email });
  provider.onAccessToken((token) => {
    gmail.allowToken(token);
    calendar.allowToken(token);
  });
  slack.setUser(SANDBOX_USER.id, { name: SANDBOX_USER.name, email: SANDBOX_USER.email, tz: Intl.DateTimeFormat().resolvedOptions().timeZone });
  slack.addChannel({ ...GENERAL, member: true });
  const inbox = seedInbox(gmail);

  const botPort = await freePort();
  const botUrl = `http://localhost:${botPort}`;
  const workspace = new Workspace(slack);
  const delivery = new SlackDelivery(botUrl, signingSecret, SANDBOX_USER);
  const web = await startWebServer({
    port: options.port ?? 0,
    workspace,
    delivery,
    user: SANDBOX_USER,
    inbox,
    addMail: (mail) => inbox.push(gmail.addMessage({ ...mail, date: new Date() })),
    google: { clientId: googleClient.id, authorizeUrl: provider.authorizationUrl, account: { email: SANDBOX_USER.email, name: SANDBOX_USER.name } },
    slackAuthorizeUrl: slack.oidc.authorizeUrl,
  });
  const settings: Record<string, string> = {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_CLIENT_ID: slackClient.id,
    SLACK_CLIENT_SECRET: slackClient.secret,
    SLACK_API_URL: slack.url,
    SLACK_OIDC_AUTHORIZE_URL: `${web.url}/slack/openid/connect/authorize`,
    PORT: String(botPort),
    PUBLIC_URL: botUrl,
    AGENT_AUTH: 'local',
    GOOGLE_CLIENT_ID: googleClient.id,
    GOOGLE_CLIENT_SECRET: googleClient.secret,
    GOOGLE_AUTH_URL: `${web.url}/google/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: provider.tokenUrl,
    GOOGLE_REVOKE_URL: provider.revocationUrl,
    GMAIL_API_URL: gmail.url,
    CALENDAR_API_URL: calendar.url,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: join(dataDir, 'bot.sqlite'),
    LOG_LEVEL: 'info',
    ...options.settings,
  };
  const closeStandins = () => Promise.all([slack.close(), gmail.close(), calendar.close(), provider.close(), web.close()]);
  let bot: BotProcess;
  try {
    bot = await startBot(settings, dataDir, botUrl);
  } catch (error) {
    await closeStandins();
    throw error;
  }
  return {
    url: web.url,
    bot,
    dataDir,
    gmail,
    slack,
    async close() {
      await bot.stop();
      await closeStandins();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function seedInbox(gmail: GmailStandin): StoredMessage[] {
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  return [
    gmail.addMessage({ from: 'Priya Natarajan <priya@example.com>', subject: 'Quarterly planning: draft agenda', date: minutesAgo(12), snippet: 'Here is the draft agenda for Thursday. Could you add the budget item?' }),
    gmail.addMessage({ from: 'Build Bot <ci@example.com>', subject: 'Nightly build passed', date: minutesAgo(95), snippet: 'All 412 tests passed in 6m 12s.' }),
    gmail.addMessage({ from: 'Marco Rossi <marco@example.com>', subject: 'Lunch on Friday?', date: minutesAgo(240), snippet: 'The new place on 5th street opened, want to try it?' }),
    gmail.addMessage({ from: 'Newsletter <news@example.com>', subject: 'This week in TypeScript', date: minutesAgo(60 * 26), snippet: 'Type stripping lands in Node, and more.', unread: false }),
  ];
}
