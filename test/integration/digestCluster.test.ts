/**
 * Scheduled digests on several instances sharing PostgreSQL, with one clock the test moves: each
 * (user, scheduled time) is delivered once whichever instances race for it, a slot claimed by an
 * instance that died is delivered by another once its lease has run out, and a restart across a due
 * time delivers once, late, within the grace period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, TEAM } from '../helpers/botHarness.ts';
import { startCluster, type Cluster, type Instance } from '../helpers/cluster.ts';
import { commandAnswer, sendSlashCommand } from '../helpers/slackRequests.ts';
import { PostgresDatabase } from '../../src/infrastructure/storage/postgresDatabase.ts';
import { SqlDigestSchedules } from '../../src/infrastructure/storage/sqlDigestSchedules.ts';
import type { RecordedCall } from '../standins/slackApi.ts';

let cluster: Cluster;
let clock = new Date('2026-11-30T12:00:00Z');
const live = new Set<Instance>();
const PASS_LOG = 'digest pass done';
const passes = (i: Instance) => i.logs.lines.filter((l) => l.includes(PASS_LOG)).length;

/** Sets the shared clock and waits until every running instance has made a full pass at that time. */
async function at(iso: string): Promise<void> {
  clock = new Date(iso);
  const seen = new Map([...live].map((i) => [i, passes(i)]));
  const deadline = Date.now() + 15_000;
  while ([...live].some((i) => passes(i) < (seen.get(i) ?? 0) + 2)) {
    if (Date.now() > deadline) throw new Error('an instance made no digest pass');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const digestsTo = (userId: string) =>
  cluster.slack.calls.filter(
    (c): c is RecordedCall => c.method === 'chat.postMessage' && c.body.channel === `D${userId}` && String(c.body.text).startsWith('Your scheduled digest'),
  );

async function digest(instance: number, userId: string, text: string): Promise<void> {
  const responseUrl = cluster.slack.responseUrl(`digest-${userId}-${Math.random()}`);
  const url = `${cluster.instances[instance]!.url}/slack/events`;
  const sent = await sendSlashCommand(url, SIGNING_SECRET, { command: '/digest', text, userId, teamId: TEAM, channelId: 'C1', responseUrl });
  expect(JSON.stringify(await commandAnswer(cluster.slack, { ...sent, responseUrl }, 15_000))).toContain('Done.');
}

function activate(userId: string): void {
  const token = `ya29.digest-cluster-${userId}`;
  cluster.scalekit.setAccount('gmail', `slack:T:${TEAM}:${userId}`, { status: 'ACTIVE', accessToken: token, expiresAt: new Date('2030-01-01T00:00:00Z') });
  cluster.gmail.allowToken(token);
}

beforeAll(async () => {
  cluster = await startCluster(3, {}, { now: () => clock, digestCheckMs: 20 });
  cluster.instances.forEach((i) => live.add(i));
  cluster.gmail.addMessage({ from: 'Ops <ops@example.com>', subject: 'Shared inbox', date: new Date('2026-11-30T10:00:00Z'), snippet: 'x' });
}, 120_000);
afterAll(async () => {
  await cluster?.close();
});

describe('digests on several instances', () => {
  it('delivers each due digest once while three instances race for them', async () => {
    const users = Array.from({ length: 12 }, (_, n) => `U0RACE${n}`);
    clock = new Date('2026-11-30T12:00:00Z');
    for (const [n, user] of users.entries()) {
      cluster.slack.setUser(user, { tz: 'UTC' });
      activate(user);
      await digest(n % 3, user, 'every day at 9:00');
    }
    await at('2026-12-01T09:00:00Z');
    await at('2026-12-01T09:05:00Z'); // past a lease too: a finished delivery is not taken again
    for (const user of users) expect(digestsTo(user), user).toHaveLength(1);
    for (const user of users) await digest(0, user, 'mondays 9');
  });

  it('delivers, once, a digest whose instance died holding its claim, when the lease runs out', async () => {
    cluster.slack.setUser('U0DIED', { tz: 'UTC' });
    activate('U0DIED');
    clock = new Date('2026-12-01T12:00:00Z');
    await digest(1, 'U0DIED', 'every day at 10:00');
    // An instance claims the 10:00 slot at 10:00 and dies before delivering it.
    const db = new PostgresDatabase(cluster.databaseUrl);
    try {
      const claimed = await new SqlDigestSchedules(db).claimDue(new Date('2026-12-02T10:00:00Z'), 1000, 2 * 60_000);
      expect(claimed.map((s) => s.user.userId)).toContain('U0DIED');
    } finally {
      await db.close();
    }
    await at('2026-12-02T10:00:00Z');
    await at('2026-12-02T10:01:30Z');
    expect(digestsTo('U0DIED')).toEqual([]); // the dead instance's lease still holds
    await at('2026-12-02T10:02:30Z');
    await at('2026-12-02T10:05:00Z');
    expect(digestsTo('U0DIED')).toHaveLength(1);
    await digest(1, 'U0DIED', 'mondays 9');
  });

  it('delivers once, late, after every instance was down across the due time; not past the grace period', async () => {
    cluster.slack.setUser('U0DOWN', { tz: 'Europe/Berlin' });
    activate('U0DOWN');
    clock = new Date('2026-12-02T12:00:00Z');
    await digest(2, 'U0DOWN', 'every day at 9:00'); // 08:00Z in Berlin
    for (const instance of [...live]) {
      await instance.bot.stop(2_000);
      live.delete(instance);
    }
    clock = new Date('2026-12-05T09:00:00Z'); // down three days; back an hour after that day's 9:00
    live.add(await cluster.addInstance());
    live.add(await cluster.addInstance());
    await at('2026-12-05T09:00:00Z');
    await at('2026-12-05T20:00:00Z');
    expect(digestsTo('U0DOWN')).toHaveLength(1);

    for (const instance of [...live]) {
      await instance.bot.stop(2_000);
      live.delete(instance);
    }
    clock = new Date('2026-12-06T10:30:00Z'); // back 2.5 hours after 9:00: past the 2-hour grace
    live.add(await cluster.addInstance());
    await at('2026-12-06T10:30:00Z');
    await at('2026-12-06T20:00:00Z');
    expect(digestsTo('U0DOWN')).toHaveLength(1);
    await at('2026-12-07T08:00:00Z');
    expect(digestsTo('U0DOWN')).toHaveLength(2); // the next day's, on time
  });
});
