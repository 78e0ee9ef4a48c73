/**
 * Posts one team alert to Slack and says what came of it, as the outbox understands it: posted (with
 * the message's permalink), worth retrying (429 with its Retry-After, 5xx, network), or permanently
 * refused (not in the channel, no such channel, archived, anything else Slack refuses). Meant for a
 * WebClient with no retries of its own and rate-limited calls rejected: the outbox waits instead.
 */
import type { DeliveryResult, OutboxAlert } from '../../actions/alerts/outbox.ts';
import { buildAlertMessage } from '../blocks/alertMessage.ts';
import { WorkspaceNotInstalledError } from '../install/botTokens.ts';
import type { SlackClients } from '../slackClients.ts';

const PERMANENT = new Set(['not_in_channel', 'channel_not_found', 'is_archived'] as const);
// Slack's own "try again" platform errors (https://api.slack.com/methods/chat.postMessage#errors).
const TEMPORARY = new Set(['ratelimited', 'rate_limited', 'fatal_error', 'internal_error', 'service_unavailable', 'request_timeout']);

export function postAlert(clients: SlackClients): (alert: OutboxAlert) => Promise<DeliveryResult> {
  return async (alert) => {
    let client;
    try {
      // The sender's workspace's client: an alert never goes out with another workspace's token.
      client = await clients.forWorkspace(alert.raisedBy);
    } catch (error) {
      // The bot was uninstalled from that workspace since: no retry will post it.
      if (error instanceof WorkspaceNotInstalledError) return { ok: false, retry: false, reason: 'refused' };
      return { ok: false, retry: true };
    }
    const message = buildAlertMessage({
      severity: alert.severity,
      text: alert.text,
      raisedBy: alert.raisedBy.userId,
      at: alert.createdAt,
      mentionChannel: alert.mentionChannel,
    });
    let ts: string | undefined;
    try {
      const posted = await client.chat.postMessage({ channel: alert.channelId, ...message, unfurl_links: false, unfurl_media: false });
      ts = posted.ts;
    } catch (error) {
      return classify(error);
    }
    // Posted: a missing permalink only costs the sender the link, never a second post.
    const permalink = ts
      ? await client.chat.getPermalink({ channel: alert.channelId, message_ts: ts }).then((r) => r.permalink ?? '', () => '')
      : '';
    return { ok: true, permalink };
  };
}

/** A Web API failure as a delivery result; by the client's error codes, not its classes (Bolt may bundle another copy). */
export function classify(error: unknown): DeliveryResult {
  const e = (error ?? {}) as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { ok: false, retry: true, retryAfterMs: typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : undefined };
    case 'slack_webapi_request_error':
      return { ok: false, retry: true };
    case 'slack_webapi_http_error':
      return (e.statusCode ?? 0) >= 500 || e.statusCode === 429 ? { ok: false, retry: true } : { ok: false, retry: false, reason: 'refused' };
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? '';
      if ((PERMANENT as Set<string>).has(code)) return { ok: false, retry: false, reason: code as 'not_in_channel' };
      return TEMPORARY.has(code) ? { ok: false, retry: true } : { ok: false, retry: false, reason: 'refused' };
    }
    default:
      // Not an answer from Slack at all (a timeout, a reset): the alert may be retried safely.
      return { ok: false, retry: true };
  }
}
