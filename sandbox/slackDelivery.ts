/**
 * What the sandbox user does, delivered to the bot as Slack delivers it: signed with the sandbox's
 * signing secret, slash commands as forms, events as JSON `event_callback`s, button clicks as
 * `block_actions` payloads (with a message or a view container). The signing and the request
 * shapes are the tests' own (test/helpers/slackRequests.ts).
 */
import { randomBytes } from 'node:crypto';
import { escapeMrkdwn } from '../src/slack/text/mrkdwn.ts';
import { sendEvent, sendSigned, sendSlashCommand, type SentRequest } from '../test/helpers/slackRequests.ts';
import { STANDIN_DEFAULTS } from '../test/standins/slackApi.ts';

export interface SandboxUser { id: string; name: string; teamId: string }

export interface Click {
  actionId: string;
  blockId: string;
  value: string;
  url?: string;
  label: string;
  /** The element's type: `button`, or `feedback_buttons` for the 👍 / 👎 under an agent answer. */
  elementType?: string;
  /** A message's button (its conversation, ts, blocks; ephemeral ones come without blocks), or the Home tab's. */
  container: { kind: 'message'; channel: string; ts: string; threadTs?: string; ephemeral: boolean; blocks?: unknown[] } | { kind: 'home'; viewId: string; blocks: unknown[] };
  responseUrl?: string;
}

const newTriggerId = () => `${Date.now()}.${randomBytes(6).toString('hex')}`;
const eventId = () => `EvSB${randomBytes(8).toString('hex').toUpperCase()}`;

export class SlackDelivery {
  private readonly eventsUrl: string;
  private readonly secret: string;
  private readonly user: SandboxUser;

  constructor(botUrl: string, secret: string, user: SandboxUser) {
    this.eventsUrl = `${botUrl}/slack/events`;
    this.secret = secret;
    this.user = user;
  }

  /** `text` as typed: Slack encodes `&`, `<`, `>` in it. */
  command(command: string, text: string, channelId: string, responseUrl: string): Promise<SentRequest> {
    return sendSlashCommand(this.eventsUrl, this.secret, { command, text, userId: this.user.id, teamId: this.user.teamId, channelId, responseUrl });
  }

  /** `@Agent Actions …` in a channel: `text` already in Slack's form (`<@U0BOT> …`, entities encoded). */
  mention(channelId: string, text: string, ts: string): Promise<SentRequest> {
    const event = { type: 'app_mention', user: this.user.id, text, ts, channel: channelId, team: this.user.teamId };
    return sendEvent(this.eventsUrl, this.secret, event, { eventId: eventId(), teamId: this.user.teamId });
  }

  /**
   * A message in the bot's Messages tab (message.im). Each conversation there is a thread, as in
   * Slack's agent surface: its first message starts it (its own ts names the thread), the rest
   * carry that `thread_ts`.
   */
  directMessage(channelId: string, text: string, ts: string, threadTs?: string): Promise<SentRequest> {
    const event = {
      type: 'message', channel_type: 'im', user: this.user.id, text: escapeMrkdwn(text), ts, channel: channelId, team: this.user.teamId,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    return sendEvent(this.eventsUrl, this.secret, event, { eventId: eventId(), teamId: this.user.teamId });
  }

  /** The user opened the bot's Home tab, or its Messages tab (where an agent sets its prompts). */
  homeOpened(tab: 'home' | 'messages' = 'home'): Promise<SentRequest> {
    const event = { type: 'app_home_opened', user: this.user.id, channel: `D${this.user.id}`, tab, event_ts: `${Date.now() / 1000}` };
    return sendEvent(this.eventsUrl, this.secret, event, { eventId: eventId(), teamId: this.user.teamId });
  }

  /** A modal's Submit (`view_submission`): `values` by block_id, then action_id, as typed. */
  viewSubmission(view: { id: string; view: Record<string, unknown> }, values: Record<string, Record<string, string>>): Promise<SentRequest> {
    const state = Object.fromEntries(
      Object.entries(values).map(([blockId, actions]) => [
        blockId,
        Object.fromEntries(Object.entries(actions).map(([actionId, value]) => [actionId, elementState(view.view, blockId, value)])),
      ]),
    );
    const payload = {
      type: 'view_submission',
      team: { id: this.user.teamId, domain: 'sandbox' },
      user: { id: this.user.id, username: this.user.name, name: this.user.name, team_id: this.user.teamId },
      api_app_id: STANDIN_DEFAULTS.appId,
      token: 'legacy-verification-token',
      trigger_id: newTriggerId(),
      view: {
        ...view.view,
        id: view.id,
        team_id: this.user.teamId,
        private_metadata: String(view.view.private_metadata ?? ''),
        callback_id: String(view.view.callback_id ?? ''),
        state: { values: state },
        hash: `${Date.now()}.sandbox`,
        app_id: STANDIN_DEFAULTS.appId,
        bot_id: STANDIN_DEFAULTS.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return sendSigned(this.eventsUrl, this.secret, body, 'application/x-www-form-urlencoded');
  }

  click(click: Click): Promise<SentRequest> {
    const c = click.container;
    const where = c.kind === 'message'
      ? {
          container: { type: 'message', message_ts: c.ts, channel_id: c.channel, is_ephemeral: c.ephemeral },
          channel: { id: c.channel, name: c.channel.startsWith('D') ? 'directmessage' : 'general' },
          message: { type: 'message', ts: c.ts, text: '', ...(c.threadTs ? { thread_ts: c.threadTs } : {}), ...(c.blocks ? { blocks: c.blocks } : {}) },
        }
      : {
          container: { type: 'view', view_id: c.viewId },
          view: { id: c.viewId, type: 'home', blocks: c.blocks, team_id: this.user.teamId, app_id: STANDIN_DEFAULTS.appId },
        };
    const payload = {
      type: 'block_actions',
      user: { id: this.user.id, username: this.user.name, name: this.user.name, team_id: this.user.teamId },
      api_app_id: STANDIN_DEFAULTS.appId,
      token: 'legacy-verification-token',
      trigger_id: newTriggerId(),
      team: { id: this.user.teamId, domain: 'sandbox' },
      enterprise: null,
      is_enterprise_install: false,
      ...where,
      ...(click.responseUrl ? { response_url: click.responseUrl } : {}),
      actions: [
        {
          type: click.elementType ?? 'button',
          action_id: click.actionId,
          block_id: click.blockId,
          text: { type: 'plain_text', text: click.label, emoji: true },
          ...(click.value ? { value: click.value } : {}),
          ...(click.url ? { url: click.url } : {}),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return sendSigned(this.eventsUrl, this.secret, body, 'application/x-www-form-urlencoded');
  }
}

/** A field's state as Slack sends it, by the element type the modal gave that block. */
function elementState(view: Record<string, unknown>, blockId: string, value: string): Record<string, unknown> {
  const blocks = Array.isArray(view.blocks) ? (view.blocks as Array<{ block_id?: unknown; element?: { type?: unknown } }>) : [];
  const type = blocks.find((block) => block.block_id === blockId)?.element?.type;
  if (type === 'datetimepicker') return { type, selected_date_time: value ? Number(value) : null };
  if (type === 'datepicker') return { type, selected_date: value || null };
  return { type: 'plain_text_input', value };
}
