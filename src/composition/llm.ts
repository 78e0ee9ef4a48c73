/**
 * Part of the composition root: the optional chat model (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL) that
 * reads mentions first; the deterministic parser answers whenever it fails or proposes nothing usable.
 */
import type { Dispatcher } from 'undici';
import type { ActionCatalog } from '../actions/catalog.ts';
import { LlmActionChooser } from '../actions/llm/chooseAction.ts';
import type { Planner, PlanLimits } from '../actions/llm/planner.ts';
import { planTools } from '../actions/llm/planTools.ts';
import { ChatCompletionsClient } from '../connectors/llm/chatCompletions.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { llmIntent } from '../slack/parsing/llmIntent.ts';

export function createLlmIntent(settings: { baseUrl: string; apiKey: string; model: string }, deps: { dispatcher: Dispatcher; logger: Logger; timeoutMs?: number }) {
  const model = new ChatCompletionsClient({ ...settings, dispatcher: deps.dispatcher, timeoutMs: deps.timeoutMs ?? 8_000 });
  const chooser = new LlmActionChooser({
    model,
    onError: (err) => deps.logger.warn({ err }, 'the chat model failed; the built-in parser answers instead'),
  });
  deps.logger.info({ model: settings.model }, 'mentions are read by a chat model first');
  return llmIntent(chooser);
}

/**
 * The same chat model planning agent conversations (Messages tab) in several steps, with the
 * catalogue's actions as tools, under AGENT_MAX_STEPS and AGENT_MAX_SECONDS. Each model call may
 * take what is left of the time budget; Stop and the budget abort it.
 */
export function createPlanner(
  settings: { baseUrl: string; apiKey: string; model: string },
  limits: PlanLimits,
  deps: { catalog: ActionCatalog; unreadAction: string; dispatcher: Dispatcher },
): Planner {
  const model = new ChatCompletionsClient({ ...settings, dispatcher: deps.dispatcher, timeoutMs: limits.maxMs });
  return { model, tools: planTools(deps.catalog, deps.unreadAction), limits };
}
