/**
 * `message.im`: a person writing to the bot in its Messages tab. Each conversation is a thread
 * there (the first message is the thread's root, so its own ts names the thread); the answer comes
 * in that thread (agent/agentConversation.ts). Only direct messages, only from people: a bot's or an
 * edit's text is no request, and mail is only ever shown in the asker's own DM.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { answerInThread, type AgentConversationDeps } from '../../agent/agentConversation.ts';
import { tellBusy } from '../../errorMessages.ts';
import { isFromPerson } from '../fromPerson.ts';

interface DirectMessage {
  channel?: unknown;
  channel_type?: unknown;
  user?: unknown;
  text?: unknown;
  ts?: unknown;
  thread_ts?: unknown;
  team?: unknown;
  bot_id?: unknown;
  bot_profile?: unknown;
  subtype?: unknown;
}

export function agentMessage(deps: AgentConversationDeps & { tasks: BackgroundTasks }) {
  return async ({ event, body, client, context }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs): Promise<void> => {
    const message = event as DirectMessage;
    if (message.channel_type !== 'im' || !isFromPerson(message, context.botUserId)) return;
    const { channel, user: userId, text, ts } = message;
    if (typeof channel !== 'string' || typeof userId !== 'string' || typeof ts !== 'string') return;
    if (typeof text !== 'string' || text.trim() === '') return;
    const threadTs = typeof message.thread_ts === 'string' ? message.thread_ts : ts;
    const teamId = body.team_id ?? (typeof message.team === 'string' ? message.team : '');
    const user = { teamId, enterpriseId: body.enterprise_id || undefined, userId };
    const thread = { channel, threadTs, user };
    const busy = { send: async (reply: { text: string }) => void (await client.chat.postMessage({ channel, thread_ts: threadTs, text: reply.text })) };
    deps.tasks.run('agent message', () => answerInThread(deps, client, thread, text), tellBusy(busy));
  };
}
