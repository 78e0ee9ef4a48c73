/**
 * An agent conversation continued by another instance: the thread's state is in the shared
 * database, so a follow-up that lands on the other instance (or after a restart) acts on what the
 * first one showed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { sendBlockAction, sendEvent } from '../helpers/slackRequests.ts';
import type { StoredMessage } from '../standins/gmailStandinMailbox.ts';

let cluster: Cluster;
let events = 0;
const USER = 'U0TWO';
const DM = `D${USER}`;

async function ask(instance: number, text: string, threadTs?: string): Promise<string> {
  const stops = () => cluster.slack.calls.filter((c) => c.method === 'chat.stopStream').length;
  const before = stops();
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
  const event = { type: 'message', channel: DM, channel_type: 'im', user: USER, text, ts, team: TEAM, ...(threadTs ? { thread_ts: threadTs } : {}) };
  await sendEvent(`${cluster.instances[instance]!.url}/slack/events`, SIGNING_SECRET, event, { eventId: `EvTwo${events}`, teamId: TEAM });
  await cluster.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && stops() > before, 15_000);
  return ts;
}

beforeAll(async () => {
  cluster = await startCluster(2);
}, 120_000);
afterAll(async () => {
  await cluster?.close();
});

describe('an agent conversation across instances', () => {
  it('a follow-up on the second instance proposes marking the email the first one showed; the first completes the approval', async () => {
    const token = `ya29.cluster-${USER}`;
    cluster.scalekit.setAccount('gmail', `slack:T:${TEAM}:${USER}`, { status: 'ACTIVE', accessToken: token, expiresAt: new Date(Date.now() + 3_600_000) });
    cluster.gmail.allowToken(token);
    const stored: StoredMessage[] = [0, 1, 2].map((i) =>
      cluster.gmail.addMessage({ from: `Sender ${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: 'x' }),
    );
    const thread = await ask(0, 'show me 3 unread emails');
    await ask(1, 'mark the second one as read', thread);
    const card = cluster.slack.calls.filter((c) => c.method === 'chat.stopStream').at(-1)!;
    const approve = (card.body.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'agent_step:approve');
    expect(approve?.value).toBeDefined();
    expect(stored.every((m) => m.unread)).toBe(true);
    // Approved through the first instance: the approval the second one kept is in the shared database.
    await sendBlockAction(`${cluster.instances[0]!.url}/slack/events`, SIGNING_SECRET, {
      actionId: 'agent_step:approve', value: approve!.value!, userId: USER, teamId: TEAM, channelId: DM, messageTs: String(card.body.ts),
    });
    await cluster.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.stopStream' && JSON.stringify(a.body).includes('Marked as read'), 15_000);
    expect(stored.map((m) => m.unread)).toEqual([true, false, true]);
  });

  it('Stop pressed on the other instance stops the turn this one runs: its Gmail call is given up, its answer says so', async () => {
    const user = 'U0STOP';
    const token = `ya29.cluster-${user}`;
    cluster.scalekit.setAccount('gmail', `slack:T:${TEAM}:${user}`, { status: 'ACTIVE', accessToken: token, expiresAt: new Date(Date.now() + 3_600_000) });
    cluster.gmail.allowToken(token);
    cluster.gmail.addMessage({ from: 'Late <late@example.com>', subject: 'Never shown', date: new Date(), snippet: 'x' });
    const release = cluster.gmail.hold();
    try {
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++events).padStart(6, '0')}`;
      const channel = `D${user}`;
      const message = { type: 'message', channel, channel_type: 'im', user, text: "what's unread?", ts, team: TEAM };
      await sendEvent(`${cluster.instances[0]!.url}/slack/events`, SIGNING_SECRET, message, { eventId: `EvTwo${++events}`, teamId: TEAM });
      const start = await cluster.slack.waitFor((a) => a.kind === 'call' && a.method === 'chat.startStream' && a.body.channel === channel, 15_000);
      const streamTs = String(((start as { answer: unknown }).answer as { ts: string }).ts);
      await until(() => cluster.gmail.inFlight === 1, 'the Gmail call');
      const stop = { type: 'agent_session_stopped', channel, user, thread_ts: ts, streaming_message_ts: [streamTs] };
      await sendEvent(`${cluster.instances[1]!.url}/slack/events`, SIGNING_SECRET, stop, { eventId: `EvTwo${++events}`, teamId: TEAM });
      // The instance running the turn learns of the Stop from the database, and gives up its Gmail call.
      const first = cluster.instances[0]!;
      await until(() => first.logs.lines.some((l) => l.includes('"action failed"') && l.includes('"STOPPED"')), 'the turn to stop', 15_000);
      await until(() => cluster.gmail.inFlight === 0, 'the held Gmail call to be closed');
      const closed = cluster.slack.agent.streams.get(streamTs);
      expect(closed?.state).toBe('stopped');
      expect(JSON.stringify(closed?.chunks)).toContain('Stopped');
    } finally {
      release();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cluster.slack.calls.filter((c) => JSON.stringify(c.body).includes('Never shown'))).toEqual([]);
  });
});

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
