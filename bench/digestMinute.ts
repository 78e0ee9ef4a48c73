/**
 * `npm run bench:digests [-- --users 10000]`: one minute in which every user's scheduled digest is
 * due at once. Seeds that many users (connected, schedules due now) on the embedded database, starts
 * the bot in this process against the stand-ins, and prints how long it takes until every digest has
 * been DMed, the highest rate of chat.postMessage calls in any one second, and memory. The stand-ins
 * run in this process too, so the memory figures include them (and every call they record).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { createBot } from '../src/app.ts';
import { loadConfig } from '../src/infrastructure/config.ts';
import { createLogger } from '../src/infrastructure/logger.ts';
import { openDatabase } from '../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../src/infrastructure/storage/migrations.ts';
import { SqlDigestSchedules } from '../src/infrastructure/storage/sqlDigestSchedules.ts';
import { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET } from '../test/standins/slackOidc.ts';
import { freePort } from '../test/helpers/freePort.ts';
import { BOT_TOKEN, CONNECTION, SIGNING_SECRET, startUpstreams, TEAM } from './upstreams.ts';

const progress = (message: string) => process.stderr.write(`[bench:digests] ${message}\n`);
const MiB = 1024 * 1024;

function usersFromArgs(): number {
  const at = process.argv.indexOf('--users');
  const users = at >= 0 ? Number(process.argv[at + 1]) : 10_000;
  if (!Number.isInteger(users) || users < 1 || users > 100_000) throw new Error('--users takes a whole number from 1 to 100000');
  return users;
}

async function main(): Promise<void> {
  const users = usersFromArgs();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-digests-'));
  const upstreams = await startUpstreams();
  const userIds = Array.from({ length: users }, (_, i) => `UD${String(i).padStart(6, '0')}`);
  upstreams.activate(userIds);
  // Accounts are valid for an hour from now; the digests are due at the start of this minute.
  const due = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const databaseUrl = join(dataDir, 'bot.sqlite');
  const db = await openDatabase(databaseUrl);
  await migrate(db);
  const schedules = new SqlDigestSchedules(db);
  progress(`seeding ${users} users with a digest due at ${due.toISOString()}`);
  for (const userId of userIds) {
    await schedules.save({ identifier: upstreams.identifierOf(userId), user: { teamId: TEAM, userId }, cron: '* * * * *', count: 5, timeZone: 'UTC', slotAt: due }, due);
  }
  await db.close();

  const port = await freePort();
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CLIENT_ID,
    SLACK_CLIENT_SECRET,
    SLACK_OIDC_AUTHORIZE_URL: upstreams.slack.oidc.authorizeUrl,
    SLACK_API_URL: upstreams.slack.url,
    GMAIL_API_URL: upstreams.gmail.url,
    GMAIL_CONNECTION_NAME: CONNECTION,
    SCALEKIT_ENV_URL: upstreams.scalekit.url,
    SCALEKIT_CLIENT_ID: upstreams.scalekit.clientId,
    SCALEKIT_CLIENT_SECRET: upstreams.scalekit.clientSecret,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    ...(process.env.DIGEST_CONCURRENCY ? { DIGEST_CONCURRENCY: process.env.DIGEST_CONCURRENCY } : {}),
  });
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const bot = await createBot(config, { logger: createLogger({ level: 'warn' }), digestCheckMs: 250 });
  const started = Date.now();
  await bot.start();
  progress(`bot started; waiting for ${users} digests`);
  const posts = () => upstreams.slack.calls.filter((c) => c.method === 'chat.postMessage');
  let reported = 0;
  for (;;) {
    const sent = posts().length;
    if (sent >= users) break;
    if (Date.now() - started > 15 * 60_000) throw new Error(`only ${sent} of ${users} digests after 15 minutes`);
    if (sent >= reported + 1000) progress(`${(reported = sent - (sent % 1000))} delivered`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const perSecond = new Map<number, number>();
  for (const call of posts()) perSecond.set(Math.floor(call.at.getTime() / 1000), (perSecond.get(Math.floor(call.at.getTime() / 1000)) ?? 0) + 1);
  const recipients = new Set(posts().map((c) => String(c.body.channel)));
  await bot.stop(5_000);
  await upstreams.close();
  rmSync(dataDir, { recursive: true, force: true });
  const result = {
    users,
    secondsUntilAllDelivered: Math.round(seconds * 10) / 10,
    digestsPerSecond: Math.round(users / seconds),
    distinctRecipients: recipients.size,
    peakChatPostMessagePerSecond: Math.max(...perSecond.values()),
    concurrencyPerInstance: config.digests.concurrency,
    rssBeforeMiB: Math.round(rssBefore / MiB),
    peakRssMiB: Math.round(peakRss / MiB),
    note: 'one instance, embedded SQLite; stand-ins in the same process (their recorded calls count in the memory figures)',
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench:digests] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
