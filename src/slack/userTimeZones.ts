/**
 * A Slack user's time zone (users.info `tz`), remembered per user for a few minutes: events are read
 * in the zone the user set in Slack, and a burst of requests costs one users.info call.
 */
import type { WebClient } from '@slack/web-api';
import { isValidTimeZone } from '../core/zonedTime.ts';

const DEFAULT_TTL_MS = 10 * 60_000;
const FALLBACK_ZONE = 'UTC';

export class UserTimeZones {
  private readonly client: WebClient;
  private readonly now: () => Date;
  private readonly ttlMs: number;
  private readonly cache = new Map<string, { zone: string; until: number }>();

  constructor(deps: { client: WebClient; now: () => Date; ttlMs?: number }) {
    this.client = deps.client;
    this.now = deps.now;
    this.ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;
  }

  /** The user's IANA zone; UTC when Slack has none (or one this runtime does not know). */
  async of(userId: string): Promise<string> {
    const at = this.now().getTime();
    const cached = this.cache.get(userId);
    if (cached && cached.until > at) return cached.zone;
    const info = await this.client.users.info({ user: userId });
    const tz = info.user?.tz;
    const zone = tz && isValidTimeZone(tz) ? tz : FALLBACK_ZONE;
    this.cache.set(userId, { zone, until: at + this.ttlMs });
    return zone;
  }
}
