/**
 * `app_context_changed`: the user, with the agent open beside Slack, moved to another channel (or
 * a DM, a canvas, a list). The channel is remembered for a while (agent/viewedChannel.ts); when
 * there starts or stops being one, the Messages tab's suggested prompts follow ("Alert this
 * channel"). Nothing in the channel is read.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ViewedChannels } from '../../../actions/agent/viewedChannels.ts';
import type { SlackUser } from '../../../core/slackUser.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { suggestedPrompts, SUGGESTED_PROMPTS_TITLE } from '../../agent/prompts.ts';
import { viewedChannelIn } from '../../agent/viewedChannel.ts';

export interface ViewedChannelDeps {
  viewedChannels: ViewedChannels;
  tasks: BackgroundTasks;
  now: () => Date;
}

export function appContextChanged(deps: ViewedChannelDeps) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'app_context_changed'> & AllMiddlewareArgs): Promise<void> => {
    if (typeof event.user !== 'string' || !event.user) return;
    const user = { teamId: body.team_id ?? '', enterpriseId: body.enterprise_id || undefined, userId: event.user };
    const channel = viewedChannelIn(event.context);
    deps.tasks.run('remember viewed channel', () => rememberViewed(deps, client, user, channel, event.channel));
  };
}

/** Remembers it, and changes the prompts only when a channel comes into view or leaves it (not on every move). */
export async function rememberViewed(deps: ViewedChannelDeps, client: WebClient, user: SlackUser, channel: string | undefined, promptsIn: unknown): Promise<void> {
  const before = await deps.viewedChannels.remember(user, channel, deps.now());
  if (Boolean(before) === Boolean(channel) || typeof promptsIn !== 'string' || !promptsIn) return;
  await client.assistant.threads.setSuggestedPrompts({ channel_id: promptsIn, title: SUGGESTED_PROMPTS_TITLE, prompts: suggestedPrompts(Boolean(channel)) });
}
