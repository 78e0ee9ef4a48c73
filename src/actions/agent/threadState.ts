/**
 * What an agent conversation remembers between turns, so that a follow-up ("mark the second one as
 * read", "show me more", "open the one from Alice") acts on what was just shown: the emails of the
 * last unread summary (ids, thread ids and senders only: no subject or text is kept) and the page
 * they came from. Kept per conversation (channel and thread), for its owner only, and forgotten
 * after THREAD_STATE_TTL_MS without a turn; stored in the database, so any instance continues it.
 */
import { z } from 'zod';
import type { SlackUser } from '../../core/slackUser.ts';
import { MAX_UNREAD } from '../showUnreadEmail.ts';
import { planStateSchema } from '../llm/planner.ts';

export const THREAD_STATE_TTL_MS = 2 * 60 * 60_000;
/** Requests and answers kept for the chat model's context (three exchanges). */
export const RECENT_MAX = 6;

export const threadStateSchema = z.object({
  shown: z
    .object({
      emails: z.array(z.object({ id: z.string(), threadId: z.string(), from: z.string().max(500) })).max(MAX_UNREAD),
      mailbox: z.string().max(320).optional(),
      /** The page the emails came from, and Gmail's token for the next one. */
      page: z.object({
        count: z.number().int().min(1).max(MAX_UNREAD),
        search: z.string().max(500).optional(),
        nextPageToken: z.string().max(512).optional(),
      }),
    })
    .optional(),
  /** A chat model's plan waiting on the card of a writing step (messages so far, the pending call). */
  plan: planStateSchema.optional(),
  /** With a chat model: the thread's last requests and answers, so that it reads a follow-up in context. */
  recent: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().max(4000) })).max(RECENT_MAX).optional(),
});
export type ThreadState = z.infer<typeof threadStateSchema>;

export interface ThreadKey {
  channel: string;
  threadTs: string;
}

export interface ThreadStates {
  /** The conversation's state, when it is `owner`'s and has not expired. */
  get(key: ThreadKey, owner: SlackUser, now: Date): Promise<ThreadState | undefined>;
  /** Replaces the state, and keeps it THREAD_STATE_TTL_MS from `now`. */
  put(key: ThreadKey, owner: SlackUser, state: ThreadState, now: Date): Promise<void>;
  /**
   * Slack's Stop was pressed in the thread: whichever instance runs its turn sees it through
   * `stoppedSince`, and gives the turn up.
   */
  requestStop(key: ThreadKey, owner: SlackUser, now: Date): Promise<void>;
  /** Whether Stop was pressed in the thread at or after `since`. */
  stoppedSince(key: ThreadKey, since: Date): Promise<boolean>;
}
