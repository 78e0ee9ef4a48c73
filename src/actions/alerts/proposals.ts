/**
 * An alert a chat model proposed is not raised until its sender says so: it is kept (durably, so a
 * press still works after a restart) and decided once, by that sender only. Typed `/alert`
 * commands do not pass through here: the sender wrote exactly what is posted.
 */
import type { SlackUser } from '../../core/slackUser.ts';
import type { AlertRequest } from './alert.ts';

/** Long enough to read the card and decide; short enough that an old card does not post a stale alert. */
export const PROPOSAL_TTL_MS = 60 * 60_000;

export interface AlertProposal {
  id: string;
  proposedTo: SlackUser;
  request: AlertRequest;
  createdAt: Date;
  expiresAt: Date;
}

export type Decision = 'post' | 'cancel';

export type DecideOutcome =
  | { ok: true; proposal: AlertProposal }
  /** Unknown, expired, or already posted or cancelled. */
  | { ok: false; reason: 'gone' }
  /** Someone else's proposal: nothing changes. */
  | { ok: false; reason: 'not_yours' };

export interface AlertProposals {
  keep(proposedTo: SlackUser, request: AlertRequest, now: Date): Promise<AlertProposal>;
  /** Takes the proposal for its own user, at most once (the first press of Post or Cancel wins). */
  decide(id: string, user: SlackUser, decision: Decision, now: Date): Promise<DecideOutcome>;
  /** The proposal while it is still `user`'s to decide (undecided, unexpired), else undefined. */
  peek(id: string, user: SlackUser, now: Date): Promise<AlertProposal | undefined>;
  /** Replaces what would be posted (an Edit saved): only its own user, only while undecided and unexpired. */
  revise(id: string, user: SlackUser, request: AlertRequest, now: Date): Promise<DecideOutcome>;
}
