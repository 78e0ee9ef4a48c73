/**
 * The actions the bot can take on a user's behalf, by name, with the schema their input is checked
 * against. Kept requests are stored as (name, input) and replayed through this catalogue.
 */
import type { ZodType } from 'zod';
import { BadInputError } from '../core/errors.ts';
import type { BudgetClass } from './budgets.ts';

export interface ActionDefinition<Input = unknown, Result = unknown> {
  name: string;
  /** The agent-auth connection the action needs. */
  connection: string;
  /** Whose allowance a user's request for this action spends (carrying out a kept request spends none). */
  budget: BudgetClass;
  /**
   * `read`: only looks. `write`: changes something in the user's accounts, so a step the agent
   * proposed on its own reading of their words waits for their approval first.
   */
  effect: 'read' | 'write';
  input: ZodType<Input>;
  /** `signal`: the user stopped the request; an action that can, abandons its upstream calls. */
  run(identifier: string, input: Input, signal?: AbortSignal): Promise<Result>;
}

export class ActionCatalog {
  private readonly actions = new Map<string, ActionDefinition>();

  register<Input, Result>(action: ActionDefinition<Input, Result>): this {
    this.actions.set(action.name, action as unknown as ActionDefinition);
    return this;
  }

  get(name: string): ActionDefinition {
    const action = this.actions.get(name);
    if (!action) throw new BadInputError(`Unknown action ${name}.`);
    return action;
  }

  async run(name: string, identifier: string, input: unknown, signal?: AbortSignal): Promise<unknown> {
    const action = this.get(name);
    const parsed = action.input.safeParse(input);
    if (!parsed.success) throw new BadInputError(`The request for ${name} is not valid.`);
    return action.run(identifier, parsed.data, signal);
  }
}
