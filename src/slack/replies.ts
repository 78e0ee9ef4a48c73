/**
 * Where an answer goes. Every reply is private to the person who asked: the slash command's
 * response_url (ephemeral), an ephemeral message in the channel of a mention, or their DM.
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Respond } from './responseUrl.ts';

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

export interface Reply {
  send(message: SlackMessage): Promise<void>;
}

/**
 * A slash command's response_url takes 5 posts within 30 minutes; when it refuses (expired, used
 * up), the answer goes to `fallback` (the user's DM) rather than nowhere.
 */
export function responseUrlReply(respond: Respond, fallback?: Reply): Reply {
  return {
    async send(message) {
      try {
        await respond({ response_type: 'ephemeral', replace_original: false, ...message });
      } catch (error) {
        if (!fallback) throw error;
        await fallback.send(message);
      }
    },
  };
}

export async function openDm(client: WebClient, userId: string): Promise<string> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  return channel;
}

export function dmReply(client: WebClient, userId: string): Reply {
  return {
    async send(message) {
      const channel = await openDm(client, userId);
      await client.chat.postMessage({ channel, ...message });
    },
  };
}

/** A reply in a thread the bot is part of, e.g. the user's conversation in its Messages tab (their DM). */
export function threadReply(client: WebClient, thread: { channel: string; threadTs: string }): Reply {
  return {
    async send(message) {
      await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, ...message });
    },
  };
}

/**
 * An ephemeral message beside a mention. Slack refuses it where the bot cannot post (e.g. it is
 * not in the channel); the answer then goes to the user's DM rather than nowhere.
 */
export function ephemeralReply(
  client: WebClient,
  target: { channel: string; userId: string; threadTs?: string | undefined },
): Reply {
  return {
    async send(message) {
      try {
        await client.chat.postEphemeral({
          channel: target.channel,
          user: target.userId,
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
          ...message,
        });
      } catch {
        await dmReply(client, target.userId).send(message);
      }
    },
  };
}
