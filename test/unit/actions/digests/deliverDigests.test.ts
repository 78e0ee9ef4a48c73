/**
 * The digest runner against the real SQL store (embedded), with Gmail's read, Slack's profile and
 * DM played by fakes and a clock the test moves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditLog } from '../../../../src/actions/audit.ts';
import { ActionCatalog } from '../../../../src/actions/catalog.ts';
import { DeliverDigests, type DigestMessenger, type DigestRecipient } from '../../../../src/actions/digests/deliverDigests.ts';
import { ManageDigests } from '../../../../src/actions/digests/manageDigests.ts';
import type { RequestAuthorization } from '../../../../src/actions/requestAuthorization.ts';
import { unreadInputSchema, type UnreadInput } from '../../../../src/actions/showUnreadEmail.ts';
import { NeedsAuthorizationError, UpstreamUnavailableError, type AppError } from '../../../../src/core/errors.ts';
import { deriveAccountIdentifier, type SlackUser } from '../../../../src/core/slackUser.ts';
import type { Database } from '../../../../src/infrastructure/storage/database.ts';
import { openDatabase } from '../../../../src/infrastructure/storage/openDatabase.ts';
import { migrate } from '../../../../src/infrastructure/storage/migrations.ts';
import { SqlDigestSchedules } from '../../../../src/infrastructure/storage/sqlDigestSchedules.ts';

const MINUTE = 60_000;
const alice: SlackUser = { teamId: 'T1', userId: 'UALICE' };
const bob: SlackUser = { teamId: 'T1', userId: 'UBOB' };

class FakeSlack implements DigestMessenger {
  zones = new Map<string, string>();
  deleted = new Set<string>();
  digests: Array<{ user: string; at: string; input: UnreadInput; result: unknown }> = [];
  notes: Array<{ user: string; at: string; slot: string; code: string }> = [];
  prompts: Array<{ user: string; at: string }> = [];
  private readonly clock: () => Date;
  constructor(clock: () => Date) {
    this.clock = clock;
  }
  async recipient(user: SlackUser): Promise<DigestRecipient> {
    if (this.deleted.has(user.userId)) return { deleted: true };
    return { deleted: false, timeZone: this.zones.get(user.userId) ?? 'UTC' };
  }
  async sendDigest(user: SlackUser, result: unknown, input: UnreadInput) {
    this.digests.push({ user: user.userId, at: this.clock().toISOString(), input, result });
  }
  async sendUndelivered(user: SlackUser, slot: { at: Date }, error: AppError) {
    this.notes.push({ user: user.userId, at: this.clock().toISOString(), slot: slot.at.toISOString(), code: error.code });
  }
  async promptReconnect(user: SlackUser) {
    this.prompts.push({ user: user.userId, at: this.clock().toISOString() });
  }
}

describe('DeliverDigests', () => {
  let db: Database;
  let clock: Date;
  let slack: FakeSlack;
  let gmail: (identifier: string) => Promise<unknown>;
  let runner: DeliverDigests;
  let manage: ManageDigests;
  const audit: AuditEntry[] = [];

  beforeEach(async () => {
    db = await openDatabase('memory://');
    await migrate(db);
    clock = new Date('2026-12-01T00:00:00Z'); // a Tuesday
    const now = () => clock;
    slack = new FakeSlack(now);
    gmail = async () => ({ emails: [{ id: 'm1' }] });
    const catalog = new ActionCatalog().register({
      name: 'unread.list',
      connection: 'gmail',
      budget: 'read_mail',
      effect: 'read',
      input: unreadInputSchema,
      run: (identifier) => gmail(identifier),
    });
    const auditLog: AuditLog = { record: async (e) => void audit.push(e), recent: async () => [] };
    const requestAuthorization = {
      run: async () => ({ linkUrl: 'http://bot/connect/x', linkExpiresAt: new Date(clock.getTime() + 600_000), reconnect: true }),
    } as unknown as RequestAuthorization;
    const schedules = new SqlDigestSchedules(db);
    runner = new DeliverDigests({ schedules, catalog, unreadAction: 'unread.list', requestAuthorization, messenger: slack, audit: auditLog, now });
    manage = new ManageDigests({ schedules, users: { identifierFor: async (u) => deriveAccountIdentifier(u), forget: async () => {} }, now });
  });
  afterEach(async () => {
    await db.close();
  });

  /** Moves the clock in steps up to `until`, running the runner at each, as the periodic task would. */
  async function runUntil(until: string, stepMs = 5 * MINUTE) {
    const end = new Date(until).getTime();
    while (clock.getTime() < end) {
      clock = new Date(Math.min(clock.getTime() + stepMs, end));
      await runner.runDue();
    }
  }

  it('delivers at 9:00 in each user zone, once, with the count and search asked for', async () => {
    slack.zones.set('UALICE', 'Europe/Berlin');
    slack.zones.set('UBOB', 'America/New_York');
    await manage.set(alice, { cron: '0 9 * * 1-5', count: 3, search: 'from:boss' }, 'Europe/Berlin');
    await manage.set(bob, { cron: '0 9 * * 1-5', count: 5 }, 'America/New_York');
    await runUntil('2026-12-01T20:00:00Z');
    expect(slack.digests.map((d) => [d.user, d.at])).toEqual([
      ['UALICE', '2026-12-01T08:00:00.000Z'],
      ['UBOB', '2026-12-01T14:00:00.000Z'],
    ]);
    expect(slack.digests[0]?.input).toEqual({ count: 3, search: 'from:boss' });
    expect(audit.filter((e) => e.action === 'unread.list' && e.outcome === 'ok')).toHaveLength(2);
  });

  it('follows a zone change read from the profile before delivery', async () => {
    await manage.set(alice, { cron: '0 9 * * *', count: 5 }, 'Europe/Berlin');
    slack.zones.set('UALICE', 'America/New_York'); // she flew to New York overnight
    await runUntil('2026-12-02T00:00:00Z');
    expect(slack.digests.map((d) => d.at)).toEqual(['2026-12-01T14:00:00.000Z']);
  });

  it('runs once on the spring-forward and once on the fall-back day', async () => {
    slack.zones.set('UALICE', 'America/New_York');
    clock = new Date('2026-03-07T00:00:00Z');
    await manage.set(alice, { cron: '30 2 * * *', count: 5 }, 'America/New_York');
    await runUntil('2026-03-10T00:00:00Z', 15 * MINUTE);
    expect(slack.digests.map((d) => d.at)).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);

    slack.digests = [];
    clock = new Date('2026-10-31T00:00:00Z');
    await manage.set(alice, { cron: '30 1 * * *', count: 5 }, 'America/New_York');
    await runUntil('2026-11-03T00:00:00Z', 15 * MINUTE);
    expect(slack.digests.map((d) => d.at)).toEqual(['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('retries a failed read within the hour, then says it could not deliver: never "no unread mail"', async () => {
    await manage.set(alice, { cron: '0 9 * * *', count: 5 }, 'UTC');
    const reads: string[] = [];
    gmail = async () => {
      reads.push(clock.toISOString());
      throw new UpstreamUnavailableError('Gmail', 'down');
    };
    await runUntil('2026-12-01T11:00:00Z', MINUTE);
    expect(slack.digests).toEqual([]);
    expect(reads[0]).toBe('2026-12-01T09:00:00.000Z');
    expect(reads.at(-1)).toBe('2026-12-01T10:00:00.000Z');
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(slack.notes).toEqual([{ user: 'UALICE', at: '2026-12-01T10:00:00.000Z', slot: '2026-12-01T09:00:00.000Z', code: 'UPSTREAM_UNAVAILABLE' }]);

    // Gmail is back for the next day's digest; a recovery within the hour delivers, with no note.
    let failures = 2;
    gmail = async () => {
      if (failures-- > 0) throw new UpstreamUnavailableError('Gmail', 'down');
      return { emails: [] };
    };
    await runUntil('2026-12-02T11:00:00Z', MINUTE);
    expect(slack.digests.map((d) => d.at)).toEqual(['2026-12-02T09:07:00.000Z']);
    expect(slack.notes).toHaveLength(1);
  });

  it('sends one reconnect prompt for an expired connection, and resumes once reconnected', async () => {
    await manage.set(alice, { cron: '0 9 * * *', count: 5 }, 'UTC');
    gmail = async () => {
      throw new NeedsAuthorizationError('gmail');
    };
    await runUntil('2026-12-03T12:00:00Z', 30 * MINUTE);
    expect(slack.prompts).toEqual([{ user: 'UALICE', at: '2026-12-01T09:00:00.000Z' }]);
    expect(slack.digests).toEqual([]);
    gmail = async () => ({ emails: [] });
    await runUntil('2026-12-04T12:00:00Z', 30 * MINUTE);
    expect(slack.digests.map((d) => d.at)).toEqual(['2026-12-04T09:00:00.000Z']);
    // Expired again later: a new prompt, since a digest came in between.
    gmail = async () => {
      throw new NeedsAuthorizationError('gmail');
    };
    await runUntil('2026-12-06T12:00:00Z', 30 * MINUTE);
    expect(slack.prompts.map((p) => p.at)).toEqual(['2026-12-01T09:00:00.000Z', '2026-12-05T09:00:00.000Z']);
  });

  it('stops for a user who left the workspace', async () => {
    await manage.set(alice, { cron: '0 9 * * *', count: 5 }, 'UTC');
    slack.deleted.add('UALICE');
    await runUntil('2026-12-02T12:00:00Z', 30 * MINUTE);
    expect(slack.digests).toEqual([]);
    expect(await manage.show(alice, 'UTC')).toBeUndefined();
  });

  it('delivers once, late, after being down across several slots, and not past the grace period', async () => {
    await manage.set(alice, { cron: '0 9 * * *', count: 5 }, 'UTC');
    clock = new Date('2026-12-04T10:30:00Z'); // down since before the 1st's 9:00; starts 1.5 h after the 4th's
    await runner.runDue();
    await runUntil('2026-12-04T23:00:00Z');
    expect(slack.digests.map((d) => d.at)).toEqual(['2026-12-04T10:30:00.000Z']);

    clock = new Date('2026-12-05T11:30:00Z'); // down again; back 2.5 h after 9:00: too late for that one
    await runUntil('2026-12-06T10:00:00Z');
    expect(slack.digests.map((d) => d.at)).toEqual(['2026-12-04T10:30:00.000Z', '2026-12-06T09:00:00.000Z']);
  });

  it('shows, pauses and resumes a schedule; nothing is sent while paused', async () => {
    await manage.set(alice, { cron: '0 9 * * 1-5', count: 5 }, 'Europe/Berlin');
    expect(await manage.show(alice, 'Europe/Berlin')).toMatchObject({ paused: false, next: new Date('2026-12-01T08:00:00Z') });
    // Her profile now says New York: the next delivery follows.
    expect((await manage.show(alice, 'America/New_York'))?.next).toEqual(new Date('2026-12-01T14:00:00Z'));
    expect(await manage.pause(alice)).toMatchObject({ paused: true, next: undefined });
    slack.zones.set('UALICE', 'America/New_York');
    await runUntil('2026-12-02T00:00:00Z', 30 * MINUTE);
    expect(slack.digests).toEqual([]);
    expect((await manage.resume(alice, 'America/New_York'))?.next).toEqual(new Date('2026-12-02T14:00:00Z'));
    await runUntil('2026-12-02T15:00:00Z', 30 * MINUTE);
    expect(slack.digests.map((d) => d.at)).toEqual(['2026-12-02T14:00:00.000Z']);
    expect(await manage.off(alice)).toBe(true);
    expect(await manage.show(alice, 'UTC')).toBeUndefined();
  });
});
