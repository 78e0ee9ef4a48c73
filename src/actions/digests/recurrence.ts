/**
 * When a digest is due, computed by a maintained cron library (croner) in the user's IANA zone.
 * Croner follows the Open Cron Pattern Specification on daylight-saving changes: a time skipped by a
 * spring-forward gap runs once, just after the gap (02:30 → 03:30), and a time that happens twice
 * in an autumn overlap runs once, the first time.
 */
import { Cron } from 'croner';

/** Past this many slots a search for the latest missed one stops: a year of daily digests. */
const MAX_SLOTS_SCANNED = 400;

/** Parsed patterns, by pattern and zone: a minute with thousands of digests due parses each once. */
const parsed = new Map<string, Cron>();
const MAX_PARSED = 1_000;

function pattern(cron: string, timeZone: string): Cron {
  const key = `${timeZone} ${cron}`;
  let found = parsed.get(key);
  if (!found) {
    found = new Cron(cron, { timezone: timeZone, paused: true, mode: '5-part' });
    if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
    parsed.set(key, found);
  }
  return found;
}

/** True when `cron` is a pattern this module can schedule. */
export function isValidRecurrence(cron: string): boolean {
  try {
    pattern(cron, 'UTC');
    return true;
  } catch {
    return false;
  }
}

/** The first scheduled time strictly after `after`, read in `timeZone`. */
export function nextSlot(cron: string, timeZone: string, after: Date): Date {
  const next = pattern(cron, timeZone).nextRun(after);
  if (!next) throw new Error(`the recurrence ${cron} has no next time`);
  return next;
}

/** The next `count` scheduled times after `after`. */
export function nextSlots(cron: string, timeZone: string, after: Date, count: number): Date[] {
  return pattern(cron, timeZone).nextRuns(count, after);
}

/**
 * The latest scheduled time at or before `now`, starting from `slot` (itself at or before `now`):
 * after a bot was down over several slots, the one that still deserves a late delivery.
 */
export function latestSlotBy(cron: string, timeZone: string, slot: Date, now: Date): Date {
  let latest = slot;
  for (let scanned = 0; scanned < MAX_SLOTS_SCANNED; scanned++) {
    const next = nextSlot(cron, timeZone, latest);
    if (next.getTime() > now.getTime()) return latest;
    latest = next;
  }
  return latest;
}
