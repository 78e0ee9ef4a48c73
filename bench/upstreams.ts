/**
 * The upstreams the bot and the baseline talk to, all in this process: the test stand-ins for the
 * Slack Web API (and response_url), Gmail and Scalekit, reused unchanged, with a mailbox of unread
 * mail, accounts seeded as the bench needs, one fixed delay on every answer, and a trace of their
 * traffic.
 */
import { startGmailStandin, type GmailStandin } from '../test/standins/gmailStandin.ts';
import { startScalekitEmulator, type ScalekitEmulator } from '../test/standins/scalekitEmulator.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../test/standins/slackApi.ts';
import { UpstreamTrace } from './trace.ts';

export const BOT_TOKEN = 'xoxb-bench-0000-botTokenValue';
export const SIGNING_SECRET = 'bench-signing-secret-0123456789';
export const SCALEKIT_CLIENT_ID = 'skc_bench';
export const SCALEKIT_SECRET = 'bench-scalekit-client-secret';
export const TEAM = 'T0BENCH';
export const CONNECTION = 'gmail';
/** A seeded user's access token is this prefix + their Slack user ID. */
export const TOKEN_PREFIX = 'ya29.bench-';
/** Unread messages in the mailbox; /unread shows the newest 5 (its default). */
const UNREAD_MESSAGES = 12;

export interface Upstreams {
  slack: SlackApiStandin;
  gmail: GmailStandin;
  scalekit: ScalekitEmulator;
  trace: UpstreamTrace;
  /** The same delay on every answer of every stand-in. */
  setDelay(ms: number): void;
  /** The connected-account identifier the bot derives for a user of TEAM. */
  identifierOf(userId: string): string;
  /** Seeds ACTIVE accounts with a token Gmail accepts, valid for an hour. */
  activate(userIds: readonly string[]): void;
  close(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const trace = new UpstreamTrace();
  trace.start();
  const slack = await startSlackApiStandin({ botToken: BOT_TOKEN, teamId: TEAM });
  const gmail = await startGmailStandin({ emailAddress: 'bench@example.com' });
  const scalekit = await startScalekitEmulator({ clientId: SCALEKIT_CLIENT_ID, clientSecret: SCALEKIT_SECRET });
  trace.watch(Number(new URL(slack.url).port), 'slack');
  trace.watch(Number(new URL(gmail.url).port), 'gmail');
  trace.watch(Number(new URL(scalekit.url).port), 'scalekit');

  const start = Date.now() - UNREAD_MESSAGES * 3_600_000;
  for (let i = 0; i < UNREAD_MESSAGES; i++) {
    gmail.addMessage({
      from: `Sender ${i} <sender${i}@example.org>`,
      subject: `Quarterly report draft ${i}: numbers, owners & next steps`,
      date: new Date(start + i * 3_600_000),
      snippet: `Hi team, attached is version ${i} of the draft. Please review the figures in section ${i % 4} before Friday&#39;s call.`,
    });
  }

  const identifierOf = (userId: string) => `slack:T:${TEAM}:${userId}`;
  return {
    slack,
    gmail,
    scalekit,
    trace,
    setDelay(ms) {
      slack.setDelay(ms);
      gmail.setDelay(ms);
      scalekit.setDelay(ms);
    },
    identifierOf,
    activate(userIds) {
      const expiresAt = new Date(Date.now() + 3_600_000);
      for (const userId of userIds) {
        const accessToken = `${TOKEN_PREFIX}${userId}`;
        scalekit.setAccount(CONNECTION, identifierOf(userId), { status: 'ACTIVE', accessToken, expiresAt });
        gmail.allowToken(accessToken);
      }
    },
    async close() {
      trace.stop();
      await Promise.allSettled([slack.close(), gmail.close(), scalekit.close()]);
    },
  };
}
