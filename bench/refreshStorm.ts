/**
 * Phase 4: a refresh storm in the self-hosted vault (AGENT_AUTH=local), driven through the bot.
 * A fresh bot process runs with the built-in backend against the OAuth provider stand-in the vault
 * is tested with (oauth2-mock-server, test/standins/oauthProvider.ts), its token endpoint behind
 * the same fixed delay as every other upstream. Each account is connected through the bot's real
 * flow (/unread, the DM'd link, the provider, the callback) while the provider hands out 30-second
 * tokens, which the vault treats as due for refresh (it refreshes within a minute of expiry). Then
 * the provider goes back to one-hour tokens and all the commands are sent at once, several per
 * account: the refresh-token grants at the token endpoint should number one per account. The same
 * commands are then sent once more, with every token fresh, to tell the refresh's cost from the
 * backend's own.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestBrowser } from '../test/helpers/browser.ts';
import { signInWithSlack } from '../test/helpers/botHarness.ts';
import { TEAM } from './upstreams.ts';
import { startOAuthProvider, type OAuthProviderStandin } from '../test/standins/oauthProvider.ts';
import type { Arrival, RecordedCall } from '../test/standins/slackApi.ts';
import { startDelayingProxy, type DelayingProxy } from './delayingProxy.ts';
import type { BenchOptions } from './options.ts';
import type { ProbeReading } from './probe.ts';
import { listenOverflows } from './load.ts';
import { inPool, type SlashCommands } from './slashCommands.ts';
import { round, summarize, type Summary } from './stats.ts';
import { ROOT, startBot, type Target } from './targets.ts';
import type { Upstreams } from './upstreams.ts';

export type StormResult =
  | { status: 'not-run'; reason: string }
  | {
      status: 'ran';
      /** How the storm was driven (through the bot, or straight into the backend). */
      via: string;
      requests: number;
      accounts: number;
      /** refresh_token grants at the token endpoint during the storm. */
      tokenEndpointCalls: number;
      /** The most refresh grants any one account's refresh token saw. */
      maxCallsPerAccount: number;
      /** From sending the first command to the last answer posted. */
      drainMs: number;
      ackMs: Summary;
      /** The bot's view of the same acks: from the TCP accept (or the headers) to its answer. */
      botSideAckMs: ProbeReading['slackRequests']['fromArrivalMs'];
      /** The load generator's own event-loop delay p99 (see load.ts). */
      senderLoopDelayP99Ms: number;
      completionMs: Summary;
      errors: number;
      firstError: string | undefined;
      /** The bot during the storm: CPU seconds, event-loop delay; accept-queue overflows (kernel ListenOverflows). */
      botCpuSeconds: number;
      listenOverflows: number | undefined;
      botEventLoopDelayMs: ProbeReading['eventLoopDelayMs'];
      /**
       * The same commands sent again at once right after, with every token fresh: what the built-in
       * backend costs without refreshing (the tokens are warm in memory by then).
       */
      warmAfter: {
        drainMs: number;
        ackMs: Summary;
        botSideAckMs: ProbeReading['slackRequests']['fromArrivalMs'];
        senderLoopDelayP99Ms: number;
        completionMs: Summary;
        botCpuSeconds: number;
        botEventLoopDelayMs: ProbeReading['eventLoopDelayMs'];
        listenOverflows: number | undefined;
        tokenEndpointCalls: number;
        errors: number;
      };
    };

const VAULT_FILE = 'src/agentAuth/local/localAgentAuth.ts';

export async function runRefreshStorm(context: {
  options: BenchOptions;
  upstreams: Upstreams;
  commands: SlashCommands;
  targets: Target[];
  progress: (message: string) => void;
}): Promise<StormResult> {
  const { options, upstreams, commands, targets, progress } = context;
  if (!existsSync(join(ROOT, VAULT_FILE))) {
    return { status: 'not-run', reason: `the self-hosted vault (${VAULT_FILE}, AGENT_AUTH=local) is not in the tree` };
  }
  const accounts = Math.min(options.stormAccounts, options.stormRequests);
  const userIds = Array.from({ length: accounts }, (_, i) => `US${String(i + 1).padStart(5, '0')}`);

  let provider: OAuthProviderStandin | undefined;
  let tokenDoor: DelayingProxy | undefined;
  let bot: Target | undefined;
  try {
    provider = await startOAuthProvider();
    tokenDoor = await startDelayingProxy(provider.tokenUrl, options.delayMs);
    // The provider's access tokens are JWTs; Gmail accepts each one it issues, as Google would.
    provider.onAccessToken((token) => upstreams.gmail.allowToken(token));
    provider.setTokenLifetime(30);
    bot = await startBot(upstreams, {
      agentAuthEnv: {
        AGENT_AUTH: 'local',
        GOOGLE_CLIENT_ID: 'bench-client.apps.googleusercontent.com',
        GOOGLE_CLIENT_SECRET: 'bench-google-client-secret',
        GOOGLE_AUTH_URL: provider.authorizationUrl,
        GOOGLE_TOKEN_URL: tokenDoor.url,
        GOOGLE_REVOKE_URL: provider.revocationUrl,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
    });
    targets.push(bot);

    progress(`  connecting ${accounts} accounts through the bot's own flow`);
    const connectedBot = bot;
    await inPool(userIds, 20, (userId) => connect(connectedBot, upstreams, commands, userId));
    await quiet(upstreams, provider);
    bot.process.assertRunning();

    provider.setTokenLifetime(3600);
    const sendStorm = async () => {
      const callsBefore = provider!.tokenCalls.length;
      await bot!.process.mark();
      const cpuBefore = bot!.process.cpuSeconds();
      const overflowsBefore = listenOverflows();
      const storm = Array.from({ length: options.stormRequests }, (_, i) => commands.prepare(userIds[i % accounts]!));
      const started = performance.now();
      const { outcomes, senderLoopDelayMs } = await commands.sendBurst(bot!.url, storm, { freshConnections: true });
      const drainMs = round(performance.now() - started);
      const overflowsAfter = listenOverflows();
      bot!.process.assertRunning();
      const reading = await bot!.process.read();
      const failed = outcomes.filter((outcome) => !outcome.ok);
      return {
        drainMs,
        refreshes: provider!.tokenCalls.slice(callsBefore).filter((call) => call.grantType === 'refresh_token'),
        ackMs: summarize(outcomes.flatMap((outcome) => (outcome.ackMs === undefined ? [] : [outcome.ackMs]))),
        botSideAckMs: reading.slackRequests.fromArrivalMs,
        senderLoopDelayP99Ms: senderLoopDelayMs.p99,
        completionMs: summarize(outcomes.flatMap((outcome) => (outcome.ok ? [outcome.completeMs!] : []))),
        botCpuSeconds: round(bot!.process.cpuSeconds() - cpuBefore, 2),
        botEventLoopDelayMs: reading.eventLoopDelayMs,
        listenOverflows: overflowsBefore === undefined || overflowsAfter === undefined ? undefined : overflowsAfter - overflowsBefore,
        errors: failed.length,
        firstError: failed[0]?.error,
      };
    };
    const storm = await sendStorm();
    await sleep(200);
    const warm = await sendStorm();

    const perAccount = new Map<string, number>();
    for (const call of storm.refreshes) perAccount.set(call.form.refresh_token ?? '', (perAccount.get(call.form.refresh_token ?? '') ?? 0) + 1);
    return {
      status: 'ran',
      via: `through the bot (as npm start runs it, AGENT_AUTH=local), token endpoint: oauth2-mock-server + ${options.delayMs} ms`,
      requests: options.stormRequests,
      accounts,
      tokenEndpointCalls: storm.refreshes.length,
      maxCallsPerAccount: Math.max(0, ...perAccount.values()),
      drainMs: storm.drainMs,
      ackMs: storm.ackMs,
      botSideAckMs: storm.botSideAckMs,
      senderLoopDelayP99Ms: storm.senderLoopDelayP99Ms,
      completionMs: storm.completionMs,
      errors: storm.errors + warm.errors,
      firstError: storm.firstError ?? warm.firstError,
      botCpuSeconds: storm.botCpuSeconds,
      botEventLoopDelayMs: storm.botEventLoopDelayMs,
      listenOverflows: storm.listenOverflows,
      warmAfter: {
        drainMs: warm.drainMs,
        ackMs: warm.ackMs,
        botSideAckMs: warm.botSideAckMs,
        senderLoopDelayP99Ms: warm.senderLoopDelayP99Ms,
        completionMs: warm.completionMs,
        botCpuSeconds: warm.botCpuSeconds,
        botEventLoopDelayMs: warm.botEventLoopDelayMs,
        listenOverflows: warm.listenOverflows,
        tokenEndpointCalls: warm.refreshes.length,
        errors: warm.errors,
      },
    };
  } finally {
    if (bot) {
      targets.splice(targets.indexOf(bot), 1);
      await bot.process.stop();
    }
    await tokenDoor?.close();
    await provider?.close();
  }
}

/** One account through the bot's connect flow: /unread, the link in the DM, the provider, the callback. */
async function connect(bot: Target, upstreams: Upstreams, commands: SlashCommands, userId: string): Promise<void> {
  const prompted = upstreams.slack.waitFor(
    (arrival: Arrival): arrival is RecordedCall =>
      arrival.kind === 'call' && arrival.method === 'chat.postMessage' && arrival.body.channel === `D${userId}` && linkIn(arrival) !== undefined,
    30_000,
  );
  await commands.send(bot.url, commands.prepare(userId), 30_000);
  const link = linkIn(await prompted)!;
  const browser = new TestBrowser();
  const toProvider = await signInWithSlack(upstreams.slack, browser, link, { userId, teamId: TEAM });
  const back = toProvider.location ? await browser.step(toProvider.location) : undefined;
  const page = back?.location ? await browser.step(back.location) : undefined;
  if (page?.status !== 200) {
    throw new Error(`refresh storm: connecting ${userId} failed at ${page ? 'the callback' : back ? 'the provider' : 'the link'} (${page?.status ?? back?.status ?? toProvider.status})`);
  }
}

/** The bot's own link in an authorization prompt DM, if the message carries one. */
function linkIn(call: RecordedCall): string | undefined {
  return /"url":"([^"]+\/connect\/[^"]+)"/.exec(JSON.stringify(call.body.blocks ?? []))?.[1];
}

/** Waits until the bot has finished what connecting set off (the kept requests it resumes). */
async function quiet(upstreams: Upstreams, provider: OAuthProviderStandin): Promise<void> {
  const activity = () => upstreams.slack.calls.length + upstreams.slack.responses.length + upstreams.gmail.requests.length + provider.tokenCalls.length;
  const deadline = performance.now() + 60_000;
  let last = -1;
  while (performance.now() < deadline) {
    const now = activity();
    if (now === last) return;
    last = now;
    await sleep(1_000);
  }
  throw new Error('refresh storm: the bot was still busy a minute after the accounts were connected');
}
