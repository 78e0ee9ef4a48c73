/**
 * The Slack stand-in's agent surface (docs.slack.dev: assistant.threads.setStatus,
 * assistant.threads.setSuggestedPrompts, chat.startStream / appendStream / stopStream,
 * agents.sessions.setStatus), kept beside slackApi.ts, which merges these handlers in.
 *
 * Arguments are checked against schemas written from @slack/types (chunks, context_actions blocks)
 * and @slack/web-api's request types; the `satisfies`-style assignments below make the type checker
 * refuse a schema that accepts something those types do not. A bad argument is answered as Slack
 * does: HTTP 200, `ok: false`, `invalid_arguments` (with the problems, to read in a failing test).
 */
import type { AnyChunk, ContextActionsBlock, FeedbackButtons, MarkdownTextChunk, TaskUpdateChunk } from '@slack/types';
import type { AgentsSessionsSetStatusArguments, AssistantThreadsSetStatusArguments, AssistantThreadsSetSuggestedPromptsArguments } from '@slack/web-api';
import { z } from 'zod';

type Body = Record<string, unknown>;

const plainText = z.object({ type: z.literal('plain_text'), text: z.string().min(1), emoji: z.boolean().optional() });
const feedbackButton = z.object({ text: plainText, value: z.string().min(1).max(2000), accessibility_label: z.string().max(75).optional() });
const feedbackButtons = z.object({
  type: z.literal('feedback_buttons'),
  action_id: z.string().max(255).optional(),
  positive_button: feedbackButton,
  negative_button: feedbackButton,
});
const iconButton = z.object({
  type: z.literal('icon_button'),
  icon: z.string().min(1),
  text: plainText,
  action_id: z.string().max(255).optional(),
  value: z.string().max(2000).optional(),
  accessibility_label: z.string().max(75).optional(),
  visible_to_user_ids: z.array(z.string()).optional(),
});
const contextActions = z.object({
  type: z.literal('context_actions'),
  block_id: z.string().max(255).optional(),
  elements: z.array(z.union([feedbackButtons, iconButton])).min(1).max(5),
});
const markdownChunk = z.object({ type: z.literal('markdown_text'), text: z.string() });
const taskChunk = z.object({
  type: z.literal('task_update'),
  id: z.string().min(1),
  title: z.string().min(1),
  status: z.enum(['pending', 'in_progress', 'complete', 'error']),
  details: z.string().optional(),
  output: z.string().optional(),
  sources: z.array(z.object({ type: z.literal('url'), url: z.string(), text: z.string() })).optional(),
});
const planChunk = z.object({ type: z.literal('plan_update'), title: z.string().min(1) });
const blocksChunk = z.object({ type: z.literal('blocks'), blocks: z.array(z.object({ type: z.string() }).loose()).max(50) });
const chunk = z.discriminatedUnion('type', [markdownChunk, taskChunk, planChunk, blocksChunk]);
const sessionStatus = z.enum(['active', 'processing', 'suspended', 'closed']);

// Compile-time: whatever these schemas accept is a value of the @slack/types and web-api types.
const _checks = (v: {
  f: z.infer<typeof feedbackButtons>; c: z.infer<typeof contextActions>; m: z.infer<typeof markdownChunk>; t: z.infer<typeof taskChunk>;
  setStatus: z.infer<typeof setStatusArgs>; prompts: z.infer<typeof promptsArgs>; session: z.infer<typeof sessionArgs>;
}) => {
  const f: FeedbackButtons = v.f; const c: ContextActionsBlock = v.c; const m: MarkdownTextChunk = v.m; const t: TaskUpdateChunk = v.t;
  const s: AssistantThreadsSetStatusArguments = v.setStatus; const p: AssistantThreadsSetSuggestedPromptsArguments = v.prompts;
  const a: AgentsSessionsSetStatusArguments = v.session;
  return [f, c, m, t, s, p, a];
};
void _checks;

const setStatusArgs = z.object({
  channel_id: z.string().min(1),
  thread_ts: z.string().min(1),
  status: z.string(),
  loading_messages: z.array(z.string().min(1)).max(10).optional(),
  icon_emoji: z.string().optional(),
  icon_url: z.string().optional(),
  username: z.string().optional(),
});
const promptsArgs = z.object({
  channel_id: z.string().min(1),
  prompts: z.array(z.object({ title: z.string().min(1), message: z.string().min(1) })).min(1).max(4),
  title: z.string().optional(),
  thread_ts: z.string().optional(),
});
const sessionArgs = z.object({
  channel_id: z.string().min(1),
  status: sessionStatus,
  thread_ts: z.string().optional(),
  title: z.string().max(200).optional(),
  initiator_user_id: z.string().optional(),
});
const startArgs = z.object({
  channel: z.string().min(1),
  thread_ts: z.string().min(1),
  markdown_text: z.string().max(12_000).optional(),
  chunks: z.array(chunk).optional(),
  recipient_team_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  task_display_mode: z.enum(['timeline', 'plan']).optional(),
});
const appendArgs = z.object({ channel: z.string().min(1), ts: z.string().min(1), markdown_text: z.string().max(12_000).optional(), chunks: z.array(chunk).optional() });
const stopArgs = z.object({
  channel: z.string().min(1),
  ts: z.string().min(1),
  markdown_text: z.string().max(12_000).optional(),
  chunks: z.array(chunk).optional(),
  blocks: z.array(z.object({ type: z.string() }).loose()).max(50).optional(),
  metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()) }).optional(),
  session_status: sessionStatus.optional(),
});

/** A streamed message as the stand-in holds it: everything that was streamed into it, in order. */
export interface StandinStream {
  channel: string;
  threadTs: string;
  ts: string;
  recipientUserId: string | undefined;
  state: 'streaming' | 'stopped' | 'expired';
  chunks: AnyChunk[];
  blocks: unknown[];
  sessionStatus: string | undefined;
}

export interface AgentSurface {
  streams: Map<string, StandinStream>;
  /** The latest session status set for a thread (by setStatus or stopStream). */
  sessions: Map<string, string>;
  handlers: Record<string, (b: Body) => Body>;
  /** As Slack does after about five minutes: every open stream stops taking appends and stops. */
  expireStreams(): void;
  reset(): void;
}

export function agentSurface(nextTs: () => string, checkBlocks: (blocks: unknown) => string[]): AgentSurface {
  const streams = new Map<string, StandinStream>();
  const sessions = new Map<string, string>();
  const invalid = (error: z.ZodError) => ({ ok: false, error: 'invalid_arguments', errors: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  const contextActionProblems = (blocks: unknown[]) =>
    blocks.flatMap((block, i) => {
      if ((block as { type?: unknown }).type !== 'context_actions') return [];
      const parsed = contextActions.safeParse(block);
      return parsed.success ? [] : [`block ${i}: ${parsed.error.issues[0]?.message ?? 'invalid context_actions'}`];
    });
  const streaming = (channel: string, ts: string) => {
    const stream = streams.get(ts);
    if (!stream || stream.channel !== channel) return { error: 'message_not_found' } as const;
    if (stream.state !== 'streaming') return { error: 'message_not_in_streaming_state' } as const;
    return { stream } as const;
  };
  const handlers: Record<string, (b: Body) => Body> = {
    'assistant.threads.setStatus': (b) => {
      const parsed = setStatusArgs.safeParse(b);
      return parsed.success ? {} : invalid(parsed.error);
    },
    'assistant.threads.setSuggestedPrompts': (b) => {
      const parsed = promptsArgs.safeParse(b);
      return parsed.success ? {} : invalid(parsed.error);
    },
    'agents.sessions.setStatus': (b) => {
      const parsed = sessionArgs.safeParse(b);
      if (!parsed.success) return invalid(parsed.error);
      sessions.set(`${parsed.data.channel_id}:${parsed.data.thread_ts ?? ''}`, parsed.data.status);
      return {};
    },
    'chat.startStream': (b) => {
      const parsed = startArgs.safeParse(b);
      if (!parsed.success) return invalid(parsed.error);
      const a = parsed.data;
      // Outside a DM Slack needs to know whom the stream is for.
      if (!a.channel.startsWith('D') && !a.recipient_user_id) return { ok: false, error: 'missing_recipient_user_id' };
      const ts = nextTs();
      const chunks: AnyChunk[] = [...(a.markdown_text ? [{ type: 'markdown_text' as const, text: a.markdown_text }] : []), ...((a.chunks ?? []) as AnyChunk[])];
      streams.set(ts, { channel: a.channel, threadTs: a.thread_ts, ts, recipientUserId: a.recipient_user_id, state: 'streaming', chunks, blocks: [], sessionStatus: undefined });
      return { channel: a.channel, ts };
    },
    'chat.appendStream': (b) => {
      const parsed = appendArgs.safeParse(b);
      if (!parsed.success) return invalid(parsed.error);
      const a = parsed.data;
      if (!a.markdown_text && !a.chunks?.length) return { ok: false, error: 'no_text' };
      const found = streaming(a.channel, a.ts);
      if ('error' in found) return { ok: false, error: found.error };
      found.stream.chunks.push(...(a.markdown_text ? [{ type: 'markdown_text' as const, text: a.markdown_text }] : []), ...((a.chunks ?? []) as AnyChunk[]));
      return { channel: a.channel, ts: a.ts };
    },
    'chat.stopStream': (b) => {
      const parsed = stopArgs.safeParse(b);
      if (!parsed.success) return invalid(parsed.error);
      const a = parsed.data;
      const blocks = a.blocks ?? [];
      const problems = [...checkBlocks(blocks), ...contextActionProblems(blocks)];
      if (problems.length > 0) return { ok: false, error: 'invalid_blocks', errors: problems };
      const found = streaming(a.channel, a.ts);
      if ('error' in found) return { ok: false, error: found.error };
      const { stream } = found;
      stream.chunks.push(...(a.markdown_text ? [{ type: 'markdown_text' as const, text: a.markdown_text }] : []), ...((a.chunks ?? []) as AnyChunk[]));
      stream.blocks = blocks;
      stream.state = 'stopped';
      stream.sessionStatus = a.session_status ?? 'active';
      sessions.set(`${stream.channel}:${stream.threadTs}`, stream.sessionStatus);
      return { channel: a.channel, ts: a.ts, message: { ts: a.ts, blocks } };
    },
  };
  return {
    streams,
    sessions,
    handlers,
    expireStreams: () => {
      for (const stream of streams.values()) if (stream.state === 'streaming') stream.state = 'expired';
    },
    reset: () => {
      streams.clear();
      sessions.clear();
    },
  };
}

/** Checks a context_actions block alone (for chat.postMessage/update bodies in tests). */
export function contextActionsProblems(block: unknown): string[] {
  const parsed = contextActions.safeParse(block);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
}
