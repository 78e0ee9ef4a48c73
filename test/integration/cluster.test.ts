/** Two bot instances behind one Slack app, sharing PostgreSQL, driven alternately. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationLinkIn, signInWithSlack, SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { TestBrowser } from '../helpers/browser.ts';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { commandAnswer, sendEvent, sendSlashCommand } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall } from '../standins/slackApi.ts';

let cluster: Cluster;
const endpoint = (i: number) => `${cluster.instances[i % cluster.instances.length]!.url}/slack/events`;
const isCall = (method: string) => (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method;

function activate(userId: string): void {
  const token = `ya29.cluster-${userId}`;
  cluster.scalekit.setAccount('gmail', `slack:T:${TEAM}:${userId}`, { status: 'ACTIVE', accessToken: token, expiresAt: new Date(Date.now() + 3_600_000) });
  cluster.gmail.allowToken(token);
}

beforeAll(async () => {
  cluster = await startCluster(2);
  cluster.gmail.addMessage({ from: 'Ops <ops@example.com>', subject: 'Shared inbox', date: new Date(), snippet: 'x' });
}, 120_000);
afterAll(async () => {
  await cluster?.close();
});

describe('two instances on one database', () => {
  it('both answer, alternately', async () => {
    activate('U0ALT');
    for (let i = 0; i < 4; i++) {
      const responseUrl = cluster.slack.responseUrl(`alt-${i}`);
      const sent = await sendSlashCommand(endpoint(i), SIGNING_SECRET, { command: '/unread', text: '', userId: 'U0ALT', teamId: TEAM, channelId: 'C1', responseUrl });
      expect(sent.status).toBe(200);
      const answer = await commandAnswer(cluster.slack, { ...sent, responseUrl }, 15_000);
      expect(JSON.stringify(answer)).toContain('Shared inbox');
    }
  });

  it('handles a Slack retry of an event once, whichever instance receives it', async () => {
    activate('U0RETRY');
    cluster.slack.reset();
    const event = { type: 'app_mention', user: 'U0RETRY', text: '<@U0BOT> unread', channel: 'C1', ts: '1.1' };
    await sendEvent(endpoint(0), SIGNING_SECRET, event, { eventId: 'EvCluster1', teamId: TEAM });
    await sendEvent(endpoint(1), SIGNING_SECRET, event, { eventId: 'EvCluster1', teamId: TEAM, retryNum: 1, retryReason: 'http_timeout' });
    await cluster.slack.waitFor(isCall('chat.postEphemeral'), 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(cluster.slack.calls.filter((c) => c.method === 'chat.postEphemeral')).toHaveLength(1);
  });

  it('finishes a request kept by one instance when the user connects through the other', async () => {
    cluster.slack.reset();
    const responseUrl = cluster.slack.responseUrl('kept');
    await sendSlashCommand(endpoint(0), SIGNING_SECRET, { command: '/unread', text: '', userId: 'U0KEPT', teamId: TEAM, channelId: 'C1', responseUrl });
    const dm = await cluster.slack.waitFor(isCall('chat.postMessage'), 15_000);
    // The link names instance 0's URL; behind a load balancer the browser could reach either.
    const link = authorizationLinkIn(dm).replace(cluster.instances[0]!.url, cluster.instances[1]!.url);
    const browser = new TestBrowser();
    const toScalekit = await signInWithSlack(cluster.slack, browser, link, { userId: 'U0KEPT', teamId: TEAM });
    const consent = await browser.step(toScalekit.location!);
    const granted = cluster.scalekit.getAccount('gmail', `slack:T:${TEAM}:U0KEPT`)?.accessToken;
    cluster.gmail.allowToken(granted!);
    // Scalekit sends the browser back to the URL it was given, instance 1's.
    const page = await browser.open(consent.location!);
    expect(page.status).toBe(200);
    const summary = await cluster.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.postMessage' && JSON.stringify(a.body).includes('Shared inbox'), 15_000);
    expect((summary as RecordedCall).body).toMatchObject({ channel: 'DU0KEPT' });
  });
});
