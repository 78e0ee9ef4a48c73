/**
 * A thin client for an OpenAI-compatible chat model with tool calling (`POST {base}/chat/completions`,
 * as OpenAI, Azure-style gateways, vLLM, Ollama and others serve it). It sends the messages and
 * tools and returns the first tool call the model made, or undefined when it made none. One attempt,
 * a short timeout, no retries: the caller falls back to the deterministic parser, which is instant.
 * Errors name the HTTP status, never the body, the prompt or the key.
 */
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { UpstreamUnavailableError } from '../../core/errors.ts';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

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
          tool_calls: z
            .array(z.object({ type: z.string().optional(), function: z.object({ name: z.string(), arguments: z.string() }) }))
            .nullish(),
        }),
      }),
    )
    .min(1),
});

export class ChatCompletionsClient implements ToolCallingModel {
  private readonly url: string;
  private readonly options: ChatCompletionsOptions;

  constructor(options: ChatCompletionsOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.options = options;
  }

  async firstToolCall(messages: ChatMessage[], tools: ToolDefinition[]): Promise<ToolCall | undefined> {
    let status: number;
    let text: string;
    try {
      const response = await request(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ model: this.options.model, messages, tools, tool_choice: 'auto', temperature: 0 }),
        dispatcher: this.options.dispatcher,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 8_000),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new UpstreamUnavailableError(SERVICE, 'the request got no answer', { cause: error });
    }
    if (status < 200 || status >= 300) throw new UpstreamUnavailableError(SERVICE, `the request failed with HTTP ${status}`);
    let parsed: z.infer<typeof answerSchema>;
    try {
      parsed = answerSchema.parse(JSON.parse(text));
    } catch {
      throw new UpstreamUnavailableError(SERVICE, 'the answer was unreadable');
    }
    const call = parsed.choices[0]?.message.tool_calls?.find((candidate) => (candidate.type ?? 'function') === 'function');
    return call ? { name: call.function.name, arguments: call.function.arguments } : undefined;
  }
}
