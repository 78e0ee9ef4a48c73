/**
 * Token rotation in the multi-workspace mode, with two bot instances sharing one PostgreSQL
 * database: an installation's rotating bot token due for refresh is refreshed once, by one
 * instance, however many requests on both need it (a refresh token works once: spending it twice
 * would lose the installation), and both go on with the new token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET } from '../helpers/botHarness.ts';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { ENCRYPTION_KEY, install, STATE_SECRET } from '../helpers/installFlow.ts';
import { sendSlashCommand } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';

const ROTATING = { teamId: 'T0ROT', teamName: 'Rotating', rotation: { expiresInSeconds: 600 } };

let cluster: Cluster;
let commands = 0;

beforeAll(async () => {
  cluster = await startCluster(2, {
    SLACK_BOT_TOKEN: '',
    SLACK_STATE_SECRET: STATE_SECRET,
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
    // Slack's authorize page is played by the install helper at the stand-in.
    SLACK_OAUTH_AUTHORIZE_URL: 'https://slack.example/oauth/v2/authorize',
    INLINE_ANSWER_MS: '0',
  });
});
afterAll(async () => {
  await cluster?.close();
});

const unread = (instanceUrl: string, userId: string) =>
  sendSlashCommand(`${instanceUrl}/slack/events`, SIGNING_SECRET, {
    command: '/unread', text: '', userId, teamId: 'T0ROT', channelId: 'C0GENERAL', responseUrl: cluster.slack.responseUrl(`rot${++commands}`),
  });
const dmTo = (user: string) => (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === 'chat.postMessage' && a.body.channel === `D${user}`;

describe('a rotating bot token, two instances on PostgreSQL', () => {
  it('is refreshed once when both instances need it, and both use the new token', async () => {
    const [first, second] = cluster.instances;
    if (!first || !second) throw new Error('two instances expected');
    const steps = await install(first.url, cluster.slack, ROTATING);
    expect(steps.done.status).toBe(200);
    const installed = [...cluster.slack.install.tokens.values()].filter((t) => t.teamId === 'T0ROT');
    expect(installed).toHaveLength(1);
    expect(installed[0]?.expiresAt).toBeDefined();

    // Due for a refresh (it runs out in ten minutes): requests on both instances at once.
    const users = ['U0R1', 'U0R2', 'U0R3', 'U0R4', 'U0R5', 'U0R6'];
    const sent = await Promise.all(users.map((user, i) => unread((i % 2 === 0 ? first : second).url, user)));
    expect(sent.every((s) => s.status === 200)).toBe(true);
    const dms = await Promise.all(users.map((user) => cluster.slack.waitFor(dmTo(user), 15_000)));

    expect(cluster.slack.install.refreshes).toEqual([{ refreshToken: expect.any(String), ok: true }]);
    const rotated = [...cluster.slack.install.tokens.values()].filter((t) => t.teamId === 'T0ROT').at(-1);
    expect(rotated?.token).not.toBe(installed[0]?.token);
    for (const dm of dms) expect(dm.token).toBe(rotated?.token);

    // The new token lasts twelve hours: later requests do not refresh again.
    await unread(second.url, 'U0R7');
    expect((await cluster.slack.waitFor(dmTo('U0R7'), 15_000)).token).toBe(rotated?.token);
    expect(cluster.slack.install.refreshes).toHaveLength(1);
  });
});
