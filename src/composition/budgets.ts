/**
 * Part of the composition root: each user's allowance per kind of request, one token-bucket limiter
 * per kind in the shared `rate_buckets` table (keys prefixed by the kind), sized from the settings.
 */
import { BUDGET_CLASSES, TokenBucketBudgets, type BudgetClass } from '../actions/budgets.ts';
import type { AlertRateLimit } from '../actions/alerts/rateLimit.ts';
import type { Config } from '../infrastructure/config.ts';
import type { Database } from '../infrastructure/storage/database.ts';
import { SqlRateLimiter } from '../infrastructure/storage/sqlRateLimiter.ts';

export function createBudgets(config: Pick<Config, 'budgets'>, deps: { db: Database; now: () => Date }) {
  const clock = () => deps.now().getTime();
  const limiters = Object.fromEntries(
    BUDGET_CLASSES.map((kind) => [kind, new SqlRateLimiter(deps.db, config.budgets[kind], clock, `${kind}:`)]),
  ) as unknown as Record<BudgetClass, AlertRateLimit>;
  return { budgets: new TokenBucketBudgets(limiters), alertLimiter: limiters.alert };
}
