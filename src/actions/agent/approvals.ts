/**
 * Approval before anything is written for a user: a writing step the agent proposed (from the
 * chat model's reading or the parser's) is kept here, shown as a card, and carried out only when the
 * user who asked presses Approve, once, before it expires. Kept in the database, so another
 * instance (or a restarted one) can complete it.
 */
import { z } from 'zod';
import type { SlackUser } from '../../core/slackUser.ts';

export const APPROVAL_TTL_MS = 60 * 60_000;

export const proposedStepSchema = z.object({
  /** A catalogue action name; its input is checked against the catalogue when it runs. */
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/),
  input: z.unknown(),
  /** The conversation the step belongs to, where its outcome is shown. */
  thread: z.object({ channel: z.string().min(1), threadTs: z.string().min(1) }),
});
export type ProposedStep = z.infer<typeof proposedStepSchema>;

export interface PendingApproval {
  id: string;
  proposedTo: SlackUser;
  step: ProposedStep;
  createdAt: Date;
  expiresAt: Date;
}

export type ApprovalDecision = 'approve' | 'cancel';
export type ApprovalOutcome = { ok: true; approval: PendingApproval } | { ok: false; reason: 'not_yours' | 'gone' };

export interface StepApprovals {
  keep(proposedTo: SlackUser, step: ProposedStep, now: Date): Promise<PendingApproval>;
  /** The approval while it is still `user`'s to decide (undecided, unexpired), else undefined. */
  peek(id: string, user: SlackUser, now: Date): Promise<PendingApproval | undefined>;
  /** Decides once: only its own user, only before it expires, only the first decision counts. */
  decide(id: string, user: SlackUser, decision: ApprovalDecision, now: Date): Promise<ApprovalOutcome>;
  /** Replaces the step's input (an Edit saved): only its own user, only while undecided and unexpired. */
  revise(id: string, user: SlackUser, input: unknown, now: Date): Promise<ApprovalOutcome>;
}
