/**
 * Several bot instances serving one Slack app, as behind a load balancer: each in HTTP mode on its
 * own port, all sharing one PostgreSQL database and the same stand-ins of Slack, Gmail and Scalekit.
 */
import { createBot, type Bot, type BotOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/infrastructure/config.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { startGmailStandin, type GmailStandin } from '../standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../standins/scalekitEmulator.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../standins/slackApi.ts';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../standins/slackOidc.ts';
import { BOT_TOKEN, SCALEKIT_SECRET, SIGNING_SECRET } from './botHarness.ts';
import { freePort } from './freePort.ts';
import { freshPostgresUrl } from './databases.ts';
import { LogCapture } from './logCapture.ts';

export interface Instance {
  url: string;
  bot: Bot;
  logs: LogCapture;
}

export interface Cluster {
  instances: Instance[];
  databaseUrl: string;
  slack: SlackApiStandin;
  gmail: GmailStandin;
  scalekit: ScalekitEmulator;
  /** Starts one more instance on the shared database (e.g. after one was stopped). */
  addInstance(): Promise<Instance>;
  close(): Promise<void>;
}

/** `bot`: options every instance is created with (e.g. a shared test clock). */
export async function startCluster(size: number, env: Record<string, string> = {}, bot: Omit<BotOptions, 'logger'> = {}): Promise<Cluster> {
  const slack = await startSlackApiStandin({ botToken: BOT_TOKEN });
  const gmail = await startGmailStandin({ emailAddress: 'team@example.com' });
  const scalekit = await startScalekitEmulator({ clientId: 'skc_cluster', clientSecret: SCALEKIT_SECRET });
  const databaseUrl = await freshPostgresUrl();
  const instances: Instance[] = [];

  async function addInstance(): Promise<Instance> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_CLIENT_ID,
      SLACK_CLIENT_SECRET,
      PORT: String(port),
      // Behind a load balancer every instance hands out the same public URL; here, its own.
      PUBLIC_URL: url,
      SCALEKIT_ENV_URL: scalekit.url,
      SCALEKIT_CLIENT_ID: scalekit.clientId,
      SCALEKIT_CLIENT_SECRET: scalekit.clientSecret,
      DATABASE_URL: databaseUrl,
      SLACK_API_URL: slack.url,
      SLACK_OIDC_AUTHORIZE_URL: slack.oidc.authorizeUrl,
      GMAIL_API_URL: gmail.url,
      ...env,
    });
    const logs = new LogCapture();
    const instanceBot = await createBot(config, { ...bot, logger: createLogger({ level: 'debug', destination: logs.stream }) });
    await instanceBot.start();
    const instance = { url, bot: instanceBot, logs };
    instances.push(instance);
    return instance;
  }

  // Started together, as a deployment would: migrations must cope with racing each other.
  await Promise.all(Array.from({ length: size }, () => addInstance()));
  return {
    instances,
    databaseUrl,
    slack,
    gmail,
    scalekit,
    addInstance,
    async close() {
      await Promise.all(instances.map((i) => i.bot.stop(2_000).catch(() => {})));
      await Promise.all([slack.close(), gmail.close(), scalekit.close()]);
    },
  };
}
