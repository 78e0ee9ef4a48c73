/**
 * Use case: a user sets, shows, pauses, resumes or turns off their digest. The next delivery is
 * always computed in the zone their Slack profile has now.
 */
import { deriveAccountIdentifier, type SlackUser } from '../../core/slackUser.ts';
import type { UserDirectory } from '../ports.ts';
import type { DigestPlan, DigestSchedule, DigestScheduleStore } from './ports.ts';
import { nextSlot } from './recurrence.ts';

export interface DigestView extends DigestPlan {
  paused: boolean;
  timeZone: string;
  /** The next delivery; undefined while paused. */
  next: Date | undefined;
}

export class ManageDigests {
  private readonly deps: { schedules: DigestScheduleStore; users: UserDirectory; now: () => Date };

  constructor(deps: ManageDigests['deps']) {
    this.deps = deps;
  }

  async set(user: SlackUser, plan: DigestPlan, timeZone: string): Promise<DigestView> {
    const now = this.deps.now();
    const identifier = await this.deps.users.identifierFor(user);
    const saved = await this.deps.schedules.save(
      { identifier, user, cron: plan.cron, count: plan.count, search: plan.search, timeZone, slotAt: nextSlot(plan.cron, timeZone, now) },
      now,
    );
    return viewOf(saved);
  }

  // Reading a schedule derives the identifier instead of asking the directory, which would store the
  // user again: the Home tab shown after a last Disconnect must not undo its forgetting.

  /** The user's schedule, its next delivery moved to their zone if that changed; undefined when none. */
  async show(user: SlackUser, timeZone: string): Promise<DigestView | undefined> {
    const identifier = deriveAccountIdentifier(user);
    const schedule = await this.deps.schedules.get(identifier);
    if (!schedule) return undefined;
    if (!schedule.paused && schedule.timeZone !== timeZone && schedule.attempts === 0) return this.set(user, schedule, timeZone);
    return viewOf(schedule);
  }

  async pause(user: SlackUser): Promise<DigestView | undefined> {
    const identifier = deriveAccountIdentifier(user);
    if (!(await this.deps.schedules.setPaused(identifier, true, undefined, this.deps.now()))) return undefined;
    const schedule = await this.deps.schedules.get(identifier);
    return schedule && viewOf(schedule);
  }

  /** Resumes from the next slot after now: digests missed while paused are not sent. */
  async resume(user: SlackUser, timeZone: string): Promise<DigestView | undefined> {
    const identifier = deriveAccountIdentifier(user);
    const schedule = await this.deps.schedules.get(identifier);
    if (!schedule) return undefined;
    const now = this.deps.now();
    await this.deps.schedules.setPaused(identifier, false, { slotAt: nextSlot(schedule.cron, timeZone, now), timeZone }, now);
    const resumed = await this.deps.schedules.get(identifier);
    return resumed && viewOf(resumed);
  }

  /** False when there was no schedule. */
  async off(user: SlackUser): Promise<boolean> {
    return this.deps.schedules.remove(deriveAccountIdentifier(user));
  }
}

function viewOf(schedule: DigestSchedule): DigestView {
  return {
    cron: schedule.cron,
    count: schedule.count,
    search: schedule.search,
    paused: schedule.paused,
    timeZone: schedule.timeZone,
    next: schedule.paused ? undefined : schedule.dueAt,
  };
}
