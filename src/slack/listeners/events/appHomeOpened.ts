/**
 * The Home tab: published when the user opens it; its Connect/Reconnect/Disconnect buttons.
 * Opening the Messages tab (the agent surface) sets its suggested prompts instead, on the channel
 * and without a thread_ts, which an agent app's call would silently fail with.
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { HOME_DIGEST_CHANGE, HOME_DIGEST_PAUSE, HOME_DIGEST_RESUME, parseHomeAction } from '../../blocks/appHome.ts';
import { DIGEST_WORDS_ACTION, DIGEST_WORDS_BLOCK } from '../../blocks/digestModal.ts';
import { parseDigestArgs } from '../../parsing/digestArgs.ts';
import type { Logger } from '../../../infrastructure/logger.ts';
import { BUSY_TEXT } from '../../errorMessages.ts';
import type { HomeTab } from '../../home/homeTab.ts';
import { suggestedPrompts, SUGGESTED_PROMPTS_TITLE } from '../../agent/prompts.ts';
import { viewedChannelIn } from '../../agent/viewedChannel.ts';
import type { ViewedChannels } from '../../../actions/agent/viewedChannels.ts';

export const HOME_ACTIONS = /^home_(connect|disconnect):/;
export const HOME_DIGEST_ACTIONS = new RegExp(`^(${HOME_DIGEST_PAUSE}|${HOME_DIGEST_RESUME}|${HOME_DIGEST_CHANGE})$`);

export function appHomeOpened(deps: { home: HomeTab; tasks: BackgroundTasks; viewedChannels?: ViewedChannels; now: () => Date }) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    const user = { teamId: body.team_id, enterpriseId: body.enterprise_id || undefined, userId: event.user };
    if (event.tab === 'messages') {
      const channel = event.channel;
      // The tab may open beside a channel: its context says which (as app_context_changed does).
      const inView = viewedChannelIn(event.context);
      deps.tasks.run('suggest prompts', async () => {
        const viewed = deps.viewedChannels;
        if (viewed && inView) await viewed.remember(user, inView, deps.now());
        const viewing = inView ?? (viewed ? await viewed.viewed(user, deps.now()) : undefined);
        await client.assistant.threads.setSuggestedPrompts({ channel_id: channel, title: SUGGESTED_PROMPTS_TITLE, prompts: suggestedPrompts(Boolean(viewing)) });
      });
      return;
    }
    if (event.tab !== 'home') return;
    deps.tasks.run('publish home', () => deps.home.publish(user));
  };
}

export function homeButton(deps: { home: HomeTab; tasks: BackgroundTasks }) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const parsed = parseHomeAction(action.action_id);
    if (!parsed) return;
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    deps.tasks.run(`home ${parsed.verb}`, () =>
      parsed.verb === 'connect' ? deps.home.connect(user, parsed.connector) : deps.home.disconnect(user, parsed.connector),
      // Home has no reply of its own: the tab says it, where the button was pressed.
      () => deps.home.publish(user, BUSY_TEXT),
    );
  };
}

/** The Home tab's Pause / Resume / Change of the user's scheduled digest. */
export function homeDigestButton(deps: { home: HomeTab; tasks: BackgroundTasks; logger: Logger }) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    if (action.action_id === HOME_DIGEST_CHANGE) {
      // Not queued behind other work: Slack's trigger_id is good for 3 seconds only.
      await deps.home.openDigestChange(user, body.trigger_id).catch((err: unknown) => deps.logger.warn({ err }, 'opening the digest modal failed'));
      return;
    }
    const pause = action.action_id === HOME_DIGEST_PAUSE;
    deps.tasks.run(`home digest ${pause ? 'pause' : 'resume'}`, () => deps.home.pauseDigest(user, pause), () => deps.home.publish(user, BUSY_TEXT));
  };
}

/** The Change modal saved: words that do not read are shown under the field; the rest set the digest. */
export function digestModalSubmitted(deps: { home: HomeTab; tasks: BackgroundTasks }) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const words = view.state.values[DIGEST_WORDS_BLOCK]?.[DIGEST_WORDS_ACTION]?.value ?? '';
    const parsed = parseDigestArgs(words);
    if (!parsed.ok || parsed.kind !== 'set') {
      const problem = parsed.ok ? 'Give a schedule, e.g. weekdays 9:00; /digest off turns it off.' : parsed.problem;
      await ack({ response_action: 'errors', errors: { [DIGEST_WORDS_BLOCK]: problem.slice(0, 300) } });
      return;
    }
    await ack();
    const user = { teamId: body.team?.id ?? body.user.team_id ?? '', enterpriseId: body.enterprise?.id || undefined, userId: body.user.id };
    deps.tasks.run('home digest change', () => deps.home.saveDigest(user, parsed.plan), () => deps.home.publish(user, BUSY_TEXT));
  };
}
