/**
 * `@bot …` in plain language: read by the deterministic intent parser in the user's Slack time zone
 * (unread email, a calendar event, a team alert, help), then the same action as the slash command,
 * answered privately. An alert goes to `raiseAlert` when alerts are wired; a request that is clearly
 * an event or an alert but cannot be used is answered with what was missing.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { eventInputFrom } from '../../../actions/createCalendarEvent.ts';
import type { UserBudgets } from '../../../actions/budgets.ts';
import { asAppError, OverBudgetError } from '../../../core/errors.ts';
import type { SlackUser } from '../../../core/slackUser.ts';
import type { BackgroundTasks } from '../../../infrastructure/backgroundTasks.ts';
import { buildEventUsage, buildHelp } from '../../blocks/help.ts';
import { tellBusy, userMessageFor } from '../../errorMessages.ts';
import { parseIntent, type Intent } from '../../parsing/intent.ts';
import { CREATE_EVENT_ACTION, UNREAD_ACTION } from '../../presenters.ts';
import { ephemeralReply, type Reply } from '../../replies.ts';
import type { RequestRunner } from '../../requestRunner.ts';
import { escapeMrkdwn } from '../../text/mrkdwn.ts';
import { isFromPerson } from '../fromPerson.ts';
import type { UserTimeZones } from '../../userTimeZones.ts';
import type { ManageDigests } from '../../../actions/digests/manageDigests.ts';
import { buildDigestStatus } from '../../blocks/digestStatus.ts';

export type AlertIntent = Extract<Intent, { kind: 'alert' }>;

export interface AppMentionDeps {
  runner: RequestRunner;
  tasks: BackgroundTasks;
  timeZones: UserTimeZones;
  budgets: UserBudgets;
  now: () => Date;
  /** Chooses the intent some other way first (e.g. a language model); undefined → the parser. */
  chooseIntent?: (text: string, context: { now: Date; timeZone: string }) => Promise<Intent | undefined>;
  raiseAlert?: (user: SlackUser, intent: AlertIntent, where: { channelId: string }, reply: Reply) => Promise<void>;
  /**
   * An alert the chat model read into a mention is shown to its sender with Post and Cancel first:
   * the model may have misread (or been steered by) the words; the parser's reading is what was typed.
   */
  proposeAlert?: (user: SlackUser, intent: AlertIntent, reply: Reply) => Promise<void>;
  /** "Send me my unread mail every morning at 9" sets the user's digest, when digests are wired. */
  digests?: ManageDigests;
}

export function appMention(deps: AppMentionDeps) {
  return async ({ event, body, client, context }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs): Promise<void> => {
    const userId = event.user;
    if (!userId || !isFromPerson(event, context.botUserId)) return;
    const reply = ephemeralReply(client, { channel: event.channel, userId, threadTs: event.thread_ts });
    const user = { teamId: body.team_id ?? event.team ?? '', enterpriseId: body.enterprise_id || undefined, userId };
    deps.tasks.run('mention', async () => {
      let timeZone: string;
      try {
        timeZone = await deps.timeZones.of(user);
      } catch (thrown) {
        await reply.send({ text: userMessageFor(asAppError(thrown), { connectorLabel: 'Slack' }) });
        throw thrown; // logged by the background tasks
      }
      const context = { now: deps.now(), timeZone };
      let proposed: Intent | undefined;
      // A digest is set only from what was typed: the words name a schedule the parser reads exactly.
      const typed = parseIntent(event.text, context);
      if (typed.kind === 'digest' || (typed.kind === 'unclear' && typed.about === 'digest')) {
        await act(deps, typed, { user, timeZone, channelId: event.channel, reply });
        return;
      }
      if (deps.chooseIntent) {
        // The chat model costs money and time: each mention it reads spends the user's allowance.
        const spent = await deps.budgets.spend(user, 'chat_model');
        if (!spent.allowed) {
          await reply.send({ text: userMessageFor(new OverBudgetError('chat_model', spent.retryAfterMs)) });
          return;
        }
        proposed = await deps.chooseIntent(event.text, context);
      }
      if (proposed?.kind === 'alert') {
        if (deps.proposeAlert) return deps.proposeAlert(user, proposed, reply);
        return reply.send(buildHelp()); // never raised without the sender's confirmation
      }
      const intent = proposed ?? typed;
      await act(deps, intent, { user, timeZone, channelId: event.channel, reply });
    }, tellBusy(reply));
  };
}

async function act(
  deps: AppMentionDeps,
  intent: Intent,
  at: { user: SlackUser; timeZone: string; channelId: string; reply: Reply },
): Promise<void> {
  switch (intent.kind) {
    case 'unread': {
      const input = { count: intent.count, ...(intent.search ? { search: intent.search } : {}) };
      return deps.runner.run(at.user, { action: UNREAD_ACTION, input }, at.reply);
    }
    case 'event': {
      const input = eventInputFrom({ title: intent.title, when: intent.when, timeZone: at.timeZone });
      return deps.runner.run(at.user, { action: CREATE_EVENT_ACTION, input }, at.reply);
    }
    case 'alert':
      if (deps.raiseAlert) return deps.raiseAlert(at.user, intent, { channelId: at.channelId }, at.reply);
      return at.reply.send(buildHelp());
    case 'digest': {
      if (!deps.digests) return at.reply.send(buildHelp());
      const plan = { cron: intent.cron, count: intent.count, ...(intent.search ? { search: intent.search } : {}) };
      return at.reply.send(buildDigestStatus(await deps.digests.set(at.user, plan, at.timeZone), 'Done.'));
    }
    case 'unclear':
      if (intent.about === 'event') return at.reply.send(buildEventUsage(intent.problem));
      return at.reply.send({ text: escapeMrkdwn(intent.problem) });
    case 'help':
      return at.reply.send(buildHelp());
  }
}
