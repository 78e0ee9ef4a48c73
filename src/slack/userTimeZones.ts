/**
 * A Slack user's time zone (users.info `tz`), remembered per user for a few minutes: events are read
 * in the zone the user set in Slack, and a burst of requests costs one users.info call.
 */
import type { SlackUser } from '../core/slackUser.ts';
import { isValidTimeZone } from '../core/zonedTime.ts';
import type { SlackClients } from './slackClients.ts';

const DEFAULT_TTL_MS = 10 * 60_000;
const FALLBACK_ZONE = 'UTC';

export class UserTimeZones {
  private readonly clients: SlackClients;
  private readonly now: () => Date;
  private readonly ttlMs: number;
  private readonly cache = new Map<string, { zone: string; until: number }>();

  constructor(deps: { clients: SlackClients; now: () => Date; ttlMs?: number }) {
    this.clients = deps.clients;
    this.now = deps.now;
    this.ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;
  }

  /** The user's IANA zone; UTC when Slack has none (or one this runtime does not know). */
  async of(user: SlackUser): Promise<string> {
    const at = this.now().getTime();
    // User ids are per workspace (per org on Enterprise Grid): the cache is kept by both.
    const key = `${user.enterpriseId ?? user.teamId}:${user.userId}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > at) return cached.zone;
    const client = await this.clients.forWorkspace(user);
    const info = await client.users.info({ user: user.userId });
    const tz = info.user?.tz;
    const zone = tz && isValidTimeZone(tz) ? tz : FALLBACK_ZONE;
    this.cache.set(key, { zone, until: at + this.ttlMs });
    return zone;
  }
}
