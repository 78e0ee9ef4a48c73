/**
 * Each user's allowance per kind of request, so one person cannot make the bot hammer Gmail, the
 * chat model, Slack's channel lists or their own DM on everyone's behalf. Every front door (commands,
 * mentions, buttons, the Home tab) reaches these use cases, which spend from the budget before any
 * upstream call. The buckets are token buckets (alerts/rateLimit.ts) keyed by kind and by user within
 * their workspace; the bot keeps them in its database, so instances sharing it share the allowance.
 */
import { OverBudgetError } from '../core/errors.ts';
import type { SlackUser } from '../core/slackUser.ts';
import type { AlertRateLimit, TakeDecision } from './alerts/rateLimit.ts';

export const BUDGET_CLASSES = ['read_mail', 'connect_link', 'chat_model', 'alert', 'calendar_write'] as const;
export type BudgetClass = (typeof BUDGET_CLASSES)[number];

export interface UserBudgets {
  /** Takes one from the user's allowance for `kind`; refused (with when to retry) when it is used up. */
  spend(user: SlackUser, kind: BudgetClass): Promise<TakeDecision>;
}

/** The bucket key for a user: their workspace (or Enterprise Grid org) and their user id. */
export function budgetKeyOf(user: SlackUser): string {
  return `${user.enterpriseId ?? user.teamId}:${user.userId}`;
}

/** One bucket store per kind, so each kind has its own size and refill. */
export class TokenBucketBudgets implements UserBudgets {
  private readonly limiters: Record<BudgetClass, AlertRateLimit>;

  constructor(limiters: Record<BudgetClass, AlertRateLimit>) {
    this.limiters = limiters;
  }

  async spend(user: SlackUser, kind: BudgetClass): Promise<TakeDecision> {
    return this.limiters[kind].take(budgetKeyOf(user));
  }
}

/** Spends from the budget, or throws OverBudgetError (the user is told when to try again). */
export async function charge(budgets: UserBudgets, user: SlackUser, kind: BudgetClass): Promise<void> {
  const decision = await budgets.spend(user, kind);
  if (!decision.allowed) throw new OverBudgetError(kind, decision.retryAfterMs);
}

/** No limits at all: for tests and tools that do not exercise budgets. */
export const UNLIMITED_BUDGETS: UserBudgets = { spend: async () => ({ allowed: true, retryAfterMs: 0 }) };
