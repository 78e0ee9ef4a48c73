/**
 * What channel each user is looking at while the agent is open beside it (Slack's
 * `app_context_changed`), so "alert this channel" and "alert my team" can propose it. Only the
 * channel's id is kept, never anything in it, per user, and forgotten after VIEWED_CHANNEL_TTL_MS:
 * an old view says little about what someone means now.
 */
import type { SlackUser } from '../../core/slackUser.ts';

export const VIEWED_CHANNEL_TTL_MS = 30 * 60_000;

export interface ViewedChannels {
  /** Remembers the channel `user` views (undefined: none, e.g. a DM or a canvas); the one before, if still fresh. */
  remember(user: SlackUser, channelId: string | undefined, now: Date): Promise<string | undefined>;
  /** The channel `user` was last seen viewing, unless that was more than VIEWED_CHANNEL_TTL_MS ago. */
  viewed(user: SlackUser, now: Date): Promise<string | undefined>;
}
