/**
 * Requests to the bot built the way Slack builds them: signed with the signing secret, with the
 * body formats and fields Slack sends for slash commands (form), events (JSON `event_callback`)
 * and button clicks (form with a `payload` JSON field). `botUrl` is the full endpoint, e.g.
 * `http://127.0.0.1:PORT/slack/events` (Bolt's default path for all three).
 */
import { createHmac } from 'node:crypto';
import { escapeMrkdwn } from '../../src/slack/text/mrkdwn.ts';
import { STANDIN_DEFAULTS } from '../standins/slackApi.ts';

// Slack's trigger_ids are unique per request; the bot drops a repeated one as a replay.
let triggers = 0;
const nextTriggerId = () => `${Date.now()}.${++triggers}.${Math.random().toString(36).slice(2, 10)}`;

export interface SentRequest { status: number; body: string; elapsedMs: number }

/** `signature: 'broken'` sends a wrong signature; `'stale'` a correct one over a 6-minute-old timestamp. */
export interface SigningOptions { signature?: 'valid' | 'broken' | 'stale'; timestamp?: number }

export function signSlackRequest(signingSecret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const hex = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'X-Slack-Signature': `v0=${hex}`, 'X-Slack-Request-Timestamp': String(timestamp) };
}

export async function sendSigned(
  botUrl: string,
  secret: string,
  body: string,
  contentType: string,
  options: SigningOptions & { headers?: Record<string, string> } = {},
): Promise<SentRequest> {
  const now = Math.floor(Date.now() / 1000);
  const timestamp = options.timestamp ?? (options.signature === 'stale' ? now - 6 * 60 : now);
  const signed = signSlackRequest(secret, body, timestamp);
  // Flip the last hex digit: same shape, wrong value, as an attacker's guess would be.
  if (options.signature === 'broken') {
    const sig = signed['X-Slack-Signature'];
    signed['X-Slack-Signature'] = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
  }
  const started = performance.now();
  const response = await fetch(botUrl, {
    method: 'POST',
    headers: {
      'Content-Type': contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signed,
      ...options.headers,
    },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: text, elapsedMs: performance.now() - started };
}

/**
 * What a slash command was answered with: the body of its acknowledgement when the answer came
 * inline (INLINE_ANSWER_MS), else the first post to its response_url.
 */
export async function commandAnswer(
  slack: { waitFor(predicate: (a: { kind: string; path?: string }) => boolean, timeoutMs?: number): Promise<unknown> },
  sent: { body: string; responseUrl: string },
  timeoutMs = 30_000,
): Promise<{ where: 'ack' | 'response_url'; body: unknown }> {
  if (sent.body.length > 0) return { where: 'ack', body: JSON.parse(sent.body) as unknown };
  const posted = await slack.waitFor((a) => a.kind === 'response' && a.path !== undefined && sent.responseUrl.endsWith(a.path), timeoutMs);
  return { where: 'response_url', body: (posted as { body: unknown }).body };
}

export interface SlashCommand {
  command: string;
  text: string;
  userId: string;
  teamId: string;
  enterpriseId?: string;
  channelId: string;
  responseUrl: string;
  triggerId?: string;
}

/**
 * Slack sends `&`, `<`, `>` in the command text as `&amp;`, `&lt;`, `&gt;`; so does this, unless
 * `rawText` is set (to test what arrives when it is not encoded).
 */
export function sendSlashCommand(
  botUrl: string,
  secret: string,
  cmd: SlashCommand,
  options: SigningOptions & { rawText?: boolean } = {},
): Promise<SentRequest> {
  const fields: Record<string, string> = {
    token: 'legacy-verification-token',
    team_id: cmd.teamId,
    team_domain: 'standin',
    ...(cmd.enterpriseId ? { enterprise_id: cmd.enterpriseId, enterprise_name: 'Standin Org' } : {}),
    channel_id: cmd.channelId,
    channel_name: cmd.channelId.startsWith('D') ? 'directmessage' : 'general',
    user_id: cmd.userId,
    user_name: cmd.userId.toLowerCase(),
    command: cmd.command,
    text: options.rawText ? cmd.text : escapeMrkdwn(cmd.text),
    api_app_id: STANDIN_DEFAULTS.appId,
    is_enterprise_install: 'false',
    response_url: cmd.responseUrl,
    trigger_id: cmd.triggerId ?? nextTriggerId(),
  };
  return sendSigned(botUrl, secret, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
}

export interface EventEnvelope {
  eventId: string;
  teamId: string;
  enterpriseId?: string;
  /** Slack's retry count; sends X-Slack-Retry-Num and X-Slack-Retry-Reason when given. */
  retryNum?: number;
  retryReason?: string;
  botUserId?: string;
  /** An org-wide install on Enterprise Grid (the envelope's `is_enterprise_install`). */
  isEnterpriseInstall?: boolean;
}

/** An Events API event_callback, as Slack sends it over HTTP or inside a Socket Mode envelope. */
export function eventCallback(event: Record<string, unknown>, envelope: EventEnvelope): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    token: 'legacy-verification-token',
    team_id: envelope.teamId,
    ...(envelope.enterpriseId ? { enterprise_id: envelope.enterpriseId } : {}),
    api_app_id: STANDIN_DEFAULTS.appId,
    event: { event_ts: `${now}.000100`, ...event },
    type: 'event_callback',
    event_id: envelope.eventId,
    event_time: now,
    ...(envelope.isEnterpriseInstall === undefined ? {} : { is_enterprise_install: envelope.isEnterpriseInstall }),
    authorizations: [
      {
        enterprise_id: envelope.enterpriseId ?? null,
        team_id: envelope.teamId,
        user_id: envelope.botUserId ?? STANDIN_DEFAULTS.botUserId,
        is_bot: true,
        is_enterprise_install: envelope.isEnterpriseInstall ?? false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(envelope.eventId).toString('base64url')}`,
  };
}

/** `event` is sent as given: build its `text` as Slack would (`<@U…>` mentions, `&amp;`). */
export function sendEvent(
  botUrl: string,
  secret: string,
  event: Record<string, unknown>,
  envelope: EventEnvelope,
  options: SigningOptions = {},
): Promise<SentRequest> {
  const body = JSON.stringify(eventCallback(event, envelope));
  const headers: Record<string, string> =
    envelope.retryNum === undefined
      ? {}
      : { 'X-Slack-Retry-Num': String(envelope.retryNum), 'X-Slack-Retry-Reason': envelope.retryReason ?? 'http_timeout' };
  return sendSigned(botUrl, secret, body, 'application/json', { ...options, headers });
}

export interface BlockAction {
  actionId: string;
  userId: string;
  teamId: string;
  enterpriseId?: string;
  channelId?: string;
  messageTs?: string;
  responseUrl?: string;
  blockId?: string;
  value?: string;
  url?: string;
  /** Sent as given (a replay repeats one); else a fresh one. */
  triggerId?: string;
  /** The blocks of the message the button is on, as Slack sends them for messages it keeps. */
  messageBlocks?: unknown[];
  /** The element's type (default `button`), e.g. `feedback_buttons`. */
  elementType?: string;
  /** The message's thread, for a button on a reply. */
  threadTs?: string;
}

/** A button click's block_actions payload, as Slack sends it over HTTP or inside a Socket Mode envelope. */
export function blockActionPayload(action: BlockAction): Record<string, unknown> {
  const channelId = action.channelId ?? `D${action.userId}`;
  const messageTs = action.messageTs ?? `${Math.floor(Date.now() / 1000)}.000200`;
  return {
    type: 'block_actions',
    user: { id: action.userId, username: action.userId.toLowerCase(), name: action.userId.toLowerCase(), team_id: action.teamId },
    api_app_id: STANDIN_DEFAULTS.appId,
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: action.triggerId ?? nextTriggerId(),
    team: { id: action.teamId, domain: 'standin', ...(action.enterpriseId ? { enterprise_id: action.enterpriseId } : {}) },
    enterprise: action.enterpriseId ? { id: action.enterpriseId, name: 'Standin Org' } : null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'directmessage' },
    message: {
      type: 'message', ts: messageTs, text: '', ...(action.messageBlocks ? { blocks: action.messageBlocks } : {}),
      ...(action.threadTs ? { thread_ts: action.threadTs } : {}),
    },
    ...(action.responseUrl ? { response_url: action.responseUrl } : {}),
    actions: [
      {
        type: action.elementType ?? 'button',
        action_id: action.actionId,
        block_id: action.blockId ?? 'block',
        text: { type: 'plain_text', text: 'Button', emoji: true },
        ...(action.value === undefined ? {} : { value: action.value }),
        ...(action.url === undefined ? {} : { url: action.url }),
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** A button click, as `payload=<json>` in a form body. */
export function sendBlockAction(botUrl: string, secret: string, action: BlockAction, options: SigningOptions = {}) {
  const body = new URLSearchParams({ payload: JSON.stringify(blockActionPayload(action)) }).toString();
  return sendSigned(botUrl, secret, body, 'application/x-www-form-urlencoded', options);
}

export interface ViewSubmission {
  callbackId: string;
  userId: string;
  teamId: string;
  privateMetadata?: string;
  /**
   * state.values: block_id → action_id → a plain_text_input's value, or the element's whole state
   * as Slack sends it (e.g. `{ type: 'datetimepicker', selected_date_time: 1767261600 }`).
   */
  values: Record<string, Record<string, string | Record<string, unknown>>>;
}

/** A modal's submission (`view_submission`), as `payload=<json>` in a form body. */
export function sendViewSubmission(botUrl: string, secret: string, submission: ViewSubmission, options: SigningOptions = {}) {
  const values = Object.fromEntries(
    Object.entries(submission.values).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(Object.entries(actions).map(([actionId, value]) => [actionId, typeof value === 'string' ? { type: 'plain_text_input', value } : value])),
    ]),
  );
  const payload = {
    type: 'view_submission',
    team: { id: submission.teamId, domain: 'standin' },
    user: { id: submission.userId, username: submission.userId.toLowerCase(), name: submission.userId.toLowerCase(), team_id: submission.teamId },
    api_app_id: STANDIN_DEFAULTS.appId,
    token: 'legacy-verification-token',
    trigger_id: nextTriggerId(),
    view: {
      id: 'V0MODAL', team_id: submission.teamId, type: 'modal', callback_id: submission.callbackId,
      private_metadata: submission.privateMetadata ?? '', state: { values }, hash: '1.abc', blocks: [],
      title: { type: 'plain_text', text: 'Modal' }, app_id: STANDIN_DEFAULTS.appId, bot_id: STANDIN_DEFAULTS.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return sendSigned(botUrl, secret, body, 'application/x-www-form-urlencoded', options);
}

/** A context entity of `app_context_changed`, as Slack orders them (most relevant first). */
export type ContextEntity =
  | { type: 'slack#/types/channel_id' | 'slack#/types/canvas_id' | 'slack#/types/list_id'; value: string; team_id?: string }
  | { type: 'slack#/types/message_context'; value: { message_ts: string; channel_id: string }; team_id?: string };

/**
 * `app_context_changed` (docs.slack.dev/reference/events/app_context_changed): the user, with the
 * agent open, now views what `entities` name; `channel` is the app's conversation with them.
 */
export function appContextChangedEvent(user: string, channel: string, entities?: ContextEntity[]): Record<string, unknown> {
  return { type: 'app_context_changed', channel, user, context: entities ? { entities } : {}, event_ts: `${Date.now() / 1000}` };
}
