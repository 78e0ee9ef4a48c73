/**
 * The one gate every piece of user text passes before any parser sees it: a slash command's text,
 * a mention's text, a button's value. Longer than MAX_USER_TEXT, it is refused with a reply that
 * says how long it may be. Refused rather than cut: a cut command could mean something else
 * ("… called Design review" losing its "not"), and nothing we accept needs more (alerts stop at 2,000).
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { BackgroundTasks } from '../../infrastructure/backgroundTasks.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { ephemeralReply } from '../replies.ts';
import { isFromPerson } from './fromPerson.ts';

export const MAX_USER_TEXT = 4000;

export function tooLongMessage(what: string, length: number): string {
  return `That ${what} is ${length.toLocaleString('en-US')} characters long; I read at most ${MAX_USER_TEXT.toLocaleString('en-US')}. Nothing was done: please send a shorter one.`;
}

type Args = AnyMiddlewareArgs & { ack?: (answer?: unknown) => Promise<void>; client: import('@slack/web-api').WebClient; next: () => Promise<void> };

export function boundUserText(deps: { tasks: BackgroundTasks; logger: Logger }): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { body, ack, client, next } = args as Args;
    const b = body as {
      command?: unknown; text?: unknown; type?: unknown; user_id?: unknown;
      event?: { type?: unknown; text?: unknown; user?: unknown; channel?: unknown; thread_ts?: unknown; ts?: unknown; channel_type?: unknown };
      actions?: Array<{ value?: unknown; selected_option?: { value?: unknown } }>;
    };
    if (typeof b.command === 'string') {
      const length = typeof b.text === 'string' ? b.text.length : 0;
      if (length > MAX_USER_TEXT) {
        deps.logger.info({ command: b.command, length }, 'refused an oversized command text');
        await ack?.({ response_type: 'ephemeral', text: tooLongMessage(`\`${b.command}\` text`, length) });
        return;
      }
    } else if (b.event && typeof b.event.text === 'string' && b.event.text.length > MAX_USER_TEXT) {
      const event = b.event;
      const length = b.event.text.length;
      deps.logger.info({ event: event.type, length }, 'refused an oversized event text');
      if (event.type === 'app_mention' && isFromPerson(event) && typeof event.user === 'string' && typeof event.channel === 'string') {
        const reply = ephemeralReply(client, {
          channel: event.channel,
          userId: event.user,
          threadTs: typeof event.thread_ts === 'string' ? event.thread_ts : undefined,
        });
        deps.tasks.run('oversized mention reply', () => reply.send({ text: tooLongMessage('message', length) }));
      } else if (event.type === 'message' && event.channel_type === 'im' && isFromPerson(event) && typeof event.channel === 'string') {
        // A message to the agent in its Messages tab: answered in its thread, where it was written.
        const channel = event.channel;
        const threadTs = typeof event.thread_ts === 'string' ? event.thread_ts : typeof event.ts === 'string' ? event.ts : undefined;
        deps.tasks.run('oversized agent message reply', async () => {
          await client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), text: tooLongMessage('message', length) });
        });
      }
      return;
    } else if (Array.isArray(b.actions)) {
      // Our buttons carry short values we wrote; a longer one was not made by us.
      const oversized = b.actions.some((action) => longerThanBound(action.value) || longerThanBound(action.selected_option?.value));
      if (oversized) {
        deps.logger.warn({ type: b.type }, 'refused an action with an oversized value');
        await ack?.();
        return;
      }
    }
    await next();
  };
}

function longerThanBound(value: unknown): boolean {
  return typeof value === 'string' && value.length > MAX_USER_TEXT;
}
