/**
 * An OpenAI-compatible chat model with tool calling, through the `openai` package (its `baseURL`
 * serves OpenAI, Azure-style gateways, vLLM, Ollama and others). It sends the messages and tools and
 * returns the first tool call the model made, or undefined when it made none (a mention's reading);
 * or, for an agent's plan (`next`), the model's words and all its tool calls with their ids, the
 * request abandoned when the signal (Stop, the plan's time budget) fires. One attempt, a short
 * timeout, no retries: the caller falls back to the deterministic parser, which is instant. Errors
 * name the HTTP status, never the body, the prompt or the key. The package (16 MiB) is loaded on the
 * first call, so a bot without a chat model never pays for it.
 */
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { z } from 'zod';
import { UpstreamUnavailableError } from '../../core/errors.ts';

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  /** The model's own turn, sent back as it came: its words and the tools it called. */
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  /** A tool's result (or why it did not run), for the call with that id. */
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ToolCall {
  name: string;
  /** The model's JSON text, unparsed: it may be malformed, and the caller checks it. */
  arguments: string;
}

export interface ToolCallingModel {
  firstToolCall(messages: ChatMessage[], tools: ToolDefinition[]): Promise<ToolCall | undefined>;
}

/** One turn of the model in a plan: its words, and every tool call it made (with the ids the results answer). */
export interface ModelTurn {
  content: string | null;
  toolCalls: Array<ToolCall & { id: string }>;
}

export interface PlanningModel {
  /** `signal`: Slack's Stop or the plan's time budget; aborts the request in flight. */
  next(messages: ChatMessage[], tools: ToolDefinition[], options: { signal: AbortSignal }): Promise<ModelTurn>;
}

export interface ChatCompletionsOptions {
  /** LLM_BASE_URL, e.g. https://api.openai.com/v1 */
  baseUrl: string;
  /** LLM_API_KEY */
  apiKey: string;
  /** LLM_MODEL */
  model: string;
  dispatcher?: Dispatcher;
  /** The whole exchange; a mention's answer should not wait on a slow model. */
  timeoutMs?: number;
}

const SERVICE = 'the language model';
const answerSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(z.object({ id: z.string().optional(), type: z.string().optional(), function: z.object({ name: z.string(), arguments: z.string() }) }))
            .nullish(),
        }),
      }),
    )
    .min(1),
});

type OpenAiModule = typeof import('openai');
type OpenAiClient = InstanceType<OpenAiModule['default']>;

export class ChatCompletionsClient implements ToolCallingModel, PlanningModel {
  private readonly options: ChatCompletionsOptions;
  private loaded: Promise<{ sdk: OpenAiModule; client: OpenAiClient }> | undefined;

  constructor(options: ChatCompletionsOptions) {
    this.options = options;
  }

  async firstToolCall(messages: ChatMessage[], tools: ToolDefinition[]): Promise<ToolCall | undefined> {
    const { sdk, client } = await this.sdk();
    let answer: unknown;
    try {
      answer = await client.chat.completions.create({ model: this.options.model, messages, tools, tool_choice: 'auto', temperature: 0 });
    } catch (error) {
      // Connection failures keep their cause (no body in it); an API error's message quotes the body.
      if (error instanceof sdk.APIConnectionError) throw new UpstreamUnavailableError(SERVICE, 'the request got no answer', { cause: error.cause });
      if (error instanceof sdk.APIError && error.status) throw new UpstreamUnavailableError(SERVICE, `the request failed with HTTP ${error.status}`);
      throw new UpstreamUnavailableError(SERVICE, 'the answer was unreadable');
    }
    const parsed = answerSchema.safeParse(answer);
    if (!parsed.success) throw new UpstreamUnavailableError(SERVICE, 'the answer was unreadable');
    const call = parsed.data.choices[0]?.message.tool_calls?.find((candidate) => (candidate.type ?? 'function') === 'function');
    return call ? { name: call.function.name, arguments: call.function.arguments } : undefined;
  }

  async next(messages: ChatMessage[], tools: ToolDefinition[], options: { signal: AbortSignal }): Promise<ModelTurn> {
    const { sdk, client } = await this.sdk();
    let answer: unknown;
    try {
      answer = await client.chat.completions.create(
        { model: this.options.model, messages, tools, tool_choice: 'auto', temperature: 0 },
        { signal: options.signal },
      );
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason ?? error;
      if (error instanceof sdk.APIConnectionTimeoutError) throw new UpstreamUnavailableError(SERVICE, 'the request timed out');
      if (error instanceof sdk.APIConnectionError) throw new UpstreamUnavailableError(SERVICE, 'the request got no answer', { cause: error.cause });
      if (error instanceof sdk.APIError && error.status) throw new UpstreamUnavailableError(SERVICE, `the request failed with HTTP ${error.status}`);
      throw new UpstreamUnavailableError(SERVICE, 'the answer was unreadable');
    }
    const parsed = answerSchema.safeParse(answer);
    if (!parsed.success) throw new UpstreamUnavailableError(SERVICE, 'the answer was unreadable');
    const message = parsed.data.choices[0]!.message;
    const toolCalls = (message.tool_calls ?? [])
      .filter((call) => (call.type ?? 'function') === 'function')
      // A server that leaves out ids still gets distinct ones back with the results.
      .map((call, index) => ({ id: call.id ?? `call_${index}`, name: call.function.name, arguments: call.function.arguments }));
    return { content: message.content ?? null, toolCalls };
  }

  private sdk(): Promise<{ sdk: OpenAiModule; client: OpenAiClient }> {
    this.loaded ??= import('openai').then((sdk) => {
      const { dispatcher } = this.options;
      const client = new sdk.default({
        baseURL: this.options.baseUrl.replace(/\/+$/, ''),
        apiKey: this.options.apiKey,
        maxRetries: 0,
        timeout: this.options.timeoutMs ?? 8_000,
        // Through the bot's bounded keep-alive pool, like every other upstream.
        fetch: ((url: string, init?: object) => undiciFetch(url, { ...(init as object), dispatcher })) as never,
      });
      return { sdk, client };
    });
    return this.loaded;
  }
}
