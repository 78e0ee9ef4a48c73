/**
 * Use case: delivers the digests that are due. Each due (user, scheduled time) is claimed first, so
 * one instance delivers it; the user's zone is read again from their profile before each delivery;
 * a failed read of the mail is retried within the retry window and then reported, never shown as
 * "no unread mail"; an expired connection gets one reconnect prompt, not one per delivery; a user
 * who left stops getting digests; a slot missed while no instance ran is delivered late once, within
 * the grace period.
 */
import { attempt, audited, type AuditLog } from '../audit.ts';
import type { ActionCatalog } from '../catalog.ts';
import type { PendingAuthorization, RequestAuthorization } from '../requestAuthorization.ts';
import { asAppError, type AppError } from '../../core/errors.ts';
import type { SlackUser } from '../../core/slackUser.ts';
import type { UnreadInput } from '../showUnreadEmail.ts';
import type { DigestSchedule, DigestScheduleStore } from './ports.ts';
import { latestSlotBy, nextSlot } from './recurrence.ts';

/** What the user's Slack profile says now. */
export type DigestRecipient = { deleted: true } | { deleted: false; timeZone: string };

/** The user's side of a delivery: their profile, and their DM. */
export interface DigestMessenger {
  recipient(user: SlackUser): Promise<DigestRecipient>;
  /** The same private summary as `/unread`, with its buttons, in the user's DM. */
  sendDigest(user: SlackUser, result: unknown, input: UnreadInput): Promise<void>;
  /** "Your 9:00 digest could not be delivered": the read kept failing for the retry window. */
  sendUndelivered(user: SlackUser, slot: { at: Date; timeZone: string }, error: AppError): Promise<void>;
  /** The connection has expired: a link to reconnect it. */
  promptReconnect(user: SlackUser, pending: PendingAuthorization): Promise<void>;
}

export interface DigestTiming {
  /** A slot missed by more than this (no instance was running) is skipped, not delivered late. */
  graceMs: number;
  /** Failed reads of one slot are retried for this long after the first failure. */
  retryWindowMs: number;
  /** How long a claim keeps other instances off a slot: longer than any delivery takes. */
  leaseMs: number;
  /** Slots claimed at a time, and delivered at once (bounded, for Slack's and Gmail's rate limits). */
  batchSize: number;
  concurrency: number;
}

export const DEFAULT_DIGEST_TIMING: DigestTiming = {
  graceMs: 2 * 60 * 60_000,
  retryWindowMs: 60 * 60_000,
  leaseMs: 2 * 60_000,
  batchSize: 100,
  concurrency: 8,
};

/** Waits between attempts at a slot whose read failed; the last is held to the end of the window. */
const RETRY_DELAYS_MS = [2, 5, 10, 15].map((m) => m * 60_000);

export type DigestOutcome = 'delivered' | 'moved' | 'missed' | 'retrying' | 'undelivered' | 'prompted' | 'awaiting_reconnect' | 'stopped';

export interface DeliverDigestsDeps {
  schedules: DigestScheduleStore;
  catalog: ActionCatalog;
  unreadAction: string;
  requestAuthorization: RequestAuthorization;
  messenger: DigestMessenger;
  audit: AuditLog;
  now: () => Date;
  timing?: Partial<DigestTiming>;
  onEvent?: (schedule: DigestSchedule, outcome: DigestOutcome, error?: unknown) => void;
}

export class DeliverDigests {
  private readonly deps: DeliverDigestsDeps;
  private readonly timing: DigestTiming;

  constructor(deps: DeliverDigestsDeps) {
    this.deps = deps;
    this.timing = { ...DEFAULT_DIGEST_TIMING, ...deps.timing };
  }

  /** Claims and delivers every due slot, a batch at a time; returns how many digests were DMed. */
  async runDue(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const claimed = await this.deps.schedules.claimDue(this.deps.now(), this.timing.batchSize, this.timing.leaseMs);
      const outcomes = await inBatches(claimed, this.timing.concurrency, (s) => this.deliver(s));
      delivered += outcomes.filter((o) => o === 'delivered').length;
      if (claimed.length < this.timing.batchSize) return delivered;
    }
  }

  /** One claimed slot, start to end; never throws (a failure leaves the claim to lapse and be retried). */
  private async deliver(schedule: DigestSchedule): Promise<DigestOutcome | undefined> {
    try {
      const outcome = await this.deliverClaimed(schedule);
      this.deps.onEvent?.(schedule, outcome);
      return outcome;
    } catch (error) {
      this.deps.onEvent?.(schedule, 'retrying', error);
      return undefined;
    }
  }

  private async deliverClaimed(s: DigestSchedule): Promise<DigestOutcome> {
    const { schedules, messenger } = this.deps;
    const now = this.deps.now();
    let recipient: DigestRecipient;
    try {
      recipient = await messenger.recipient(s.user);
    } catch {
      recipient = { deleted: false, timeZone: s.timeZone }; // Slack's profile is away: the zone last seen
    }
    if (recipient.deleted) {
      await schedules.remove(s.identifier);
      return 'stopped';
    }
    const zone = recipient.timeZone;
    const advance = (reconnectPrompted: boolean) =>
      schedules.advance(s.identifier, s.slotAt, { slotAt: nextSlot(s.cron, zone, now), timeZone: zone, reconnectPrompted }, now);

    if (s.attempts === 0) {
      if (zone !== s.timeZone) {
        // The user's zone changed: their slot is the nearest one in the new zone; if that is still
        // ahead, it is delivered then rather than now.
        const moved = nextSlot(s.cron, zone, new Date(s.slotAt.getTime() - 12 * 60 * 60_000));
        if (moved.getTime() > now.getTime()) {
          await schedules.advance(s.identifier, s.slotAt, { slotAt: moved, timeZone: zone, reconnectPrompted: s.reconnectPrompted }, now);
          return 'moved';
        }
      }
      const latest = latestSlotBy(s.cron, zone, s.slotAt, now);
      if (now.getTime() - latest.getTime() > this.timing.graceMs) {
        await advance(s.reconnectPrompted);
        return 'missed';
      }
    }

    const input: UnreadInput = { count: s.count, ...(s.search ? { search: s.search } : {}) };
    const action = this.deps.catalog.get(this.deps.unreadAction);
    const subject = { identifier: s.identifier, slackUserId: s.user.userId, teamId: s.user.teamId, action: action.name, connection: action.connection };
    let outcome: DigestOutcome = 'delivered';
    await audited(this.deps.audit, subject, this.deps.now, () => this.deps.catalog.run(action.name, s.identifier, input), async (read) => {
      if (read.ok) {
        const sent = await attempt(() => messenger.sendDigest(s.user, read.result, input));
        if (sent.ok) {
          await advance(false);
          outcome = 'delivered';
        } else {
          outcome = await this.retryOrGiveUp(s, zone, asAppError(sent.error), now);
        }
        return;
      }
      const error = asAppError(read.error);
      if (error.code === 'NEEDS_AUTHORIZATION') {
        outcome = await this.promptOnce(s, action.connection, input, advance);
      } else {
        outcome = await this.retryOrGiveUp(s, zone, error, now);
      }
    });
    return outcome;
  }

  private async promptOnce(s: DigestSchedule, connection: string, input: UnreadInput, advance: (prompted: boolean) => Promise<void>): Promise<DigestOutcome> {
    if (s.reconnectPrompted) {
      await advance(true);
      return 'awaiting_reconnect';
    }
    const pending = await this.deps.requestAuthorization.run({
      requester: s.user,
      identifier: s.identifier,
      connection,
      action: this.deps.unreadAction,
      input,
    });
    await this.deps.messenger.promptReconnect(s.user, pending);
    await advance(true);
    return 'prompted';
  }

  private async retryOrGiveUp(s: DigestSchedule, zone: string, error: AppError, now: Date): Promise<DigestOutcome> {
    const firstFailedAt = s.firstFailedAt ?? now;
    const windowEnds = firstFailedAt.getTime() + this.timing.retryWindowMs;
    if (now.getTime() < windowEnds) {
      const wait = Math.max(RETRY_DELAYS_MS[Math.min(s.attempts, RETRY_DELAYS_MS.length - 1)] ?? 0, retryAfterOf(error));
      const dueAt = new Date(Math.min(now.getTime() + wait, windowEnds));
      await this.deps.schedules.retryLater(s.identifier, s.slotAt, { dueAt, attempts: s.attempts + 1, firstFailedAt }, now);
      return 'retrying';
    }
    await this.deps.messenger.sendUndelivered(s.user, { at: s.slotAt, timeZone: s.timeZone }, error).catch(() => {});
    await this.deps.schedules.advance(s.identifier, s.slotAt, { slotAt: nextSlot(s.cron, zone, now), timeZone: zone, reconnectPrompted: s.reconnectPrompted }, now);
    return 'undelivered';
  }
}

function retryAfterOf(error: AppError): number {
  const ms = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : 0;
}

/** Runs `work` over `items`, at most `limit` at once, in order of the items. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
