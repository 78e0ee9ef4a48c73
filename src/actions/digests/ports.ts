/**
 * Scheduled digests: what the use cases need from storage and from Slack, as interfaces. The
 * storage layer keeps schedules and the delivery claims; the Slack layer reads profiles and DMs.
 */
import type { SlackUser } from '../../core/slackUser.ts';

/** What the user asked for, in the form the recurrence library reads. */
export interface DigestPlan {
  /** A five-field cron pattern read in the user's time zone, e.g. `0 9 * * 1-5`. */
  cron: string;
  /** How many emails, and the Gmail search words, as `/unread` takes them. */
  count: number;
  search?: string | undefined;
}

export interface DigestSchedule extends DigestPlan {
  identifier: string;
  user: SlackUser;
  /** The zone the current slot was computed in (the user's Slack profile zone at the time). */
  timeZone: string;
  paused: boolean;
  /** The scheduled time being delivered next: the (user, time) a delivery claim is for. */
  slotAt: Date;
  /** When to try next: the slot itself, or later after a failed attempt. */
  dueAt: Date;
  /** Failed attempts at this slot so far. */
  attempts: number;
  /** When the first failed attempt at this slot was made: retries stop an hour after it. */
  firstFailedAt?: Date | undefined;
  /** The user was sent a reconnect prompt and has not had a digest since: no second prompt. */
  reconnectPrompted: boolean;
}

export interface NewDigestSchedule extends DigestPlan {
  identifier: string;
  user: SlackUser;
  timeZone: string;
  slotAt: Date;
}

export interface DigestScheduleStore {
  /** Creates or replaces the user's one schedule, active, due at `slotAt`, with no claim on it. */
  save(schedule: NewDigestSchedule, now: Date): Promise<DigestSchedule>;
  get(identifier: string): Promise<DigestSchedule | undefined>;
  /** Pauses, or resumes due at `slotAt` (and in `timeZone`). False when there is no schedule. */
  setPaused(identifier: string, paused: boolean, next: { slotAt: Date; timeZone: string } | undefined, now: Date): Promise<boolean>;
  /** False when there was none. */
  remove(identifier: string): Promise<boolean>;
  /**
   * Atomically takes active schedules due at `now` (oldest first, at most `limit`) and leases each
   * until `now + leaseMs`, so exactly one instance delivers a slot; a slot whose instance died is
   * taken again once its lease has run out.
   */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<DigestSchedule[]>;
  /**
   * The slot `slotAt` is finished (delivered, skipped or given up on): moves to the next one and
   * drops the claim. Does nothing when the schedule was changed meanwhile (its slot is no longer
   * `slotAt`), so a change made during a delivery is kept.
   */
  advance(identifier: string, slotAt: Date, next: { slotAt: Date; timeZone: string; reconnectPrompted: boolean }, now: Date): Promise<void>;
  /** The attempt at `slotAt` failed: try again at `dueAt`, releasing the claim. */
  retryLater(identifier: string, slotAt: Date, retry: { dueAt: Date; attempts: number; firstFailedAt: Date }, now: Date): Promise<void>;
}
