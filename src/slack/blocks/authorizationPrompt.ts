/**
 * Messages around connecting an account: the DM with the one-time "Connect Gmail" link, the
 * private note where the user asked ("check your DMs"), and the DM once the connection worked.
 */
import type { KnownBlock } from '@slack/types';
import { AppError } from '../../core/errors.ts';
import { escapeMrkdwn, truncate } from '../text/mrkdwn.ts';
import { HOME_DISCONNECT_PREFIX } from './appHome.ts';

export const AUTHORIZE_ACTION_ID = 'authorize_connection';
const BUTTON_TEXT_MAX = 75;
const URL_MAX = 3000;

export interface AuthorizationPromptInput {
  /** e.g. "Gmail" */
  connectorLabel: string;
  url: string;
  expiresInMinutes: number;
  /** Completes "so I can …", e.g. "show your unread email". */
  purpose: string;
  /** The account was connected before and stopped working (revoked, expired) or lacks a scope. */
  reconnect: boolean;
}

export function buildAuthorizationPrompt(input: AuthorizationPromptInput): { text: string; blocks: KnownBlock[] } {
  // A link Slack would refuse (or cut) is a bug on our side, not something to show the user.
  if (input.url.length > URL_MAX) throw new AppError('INTERNAL', 'authorization link is too long for a Slack button');
  const label = escapeMrkdwn(input.connectorLabel);
  const purpose = escapeMrkdwn(input.purpose);
  const why = input.reconnect
    ? `Your ${label} connection has stopped working or does not allow this ` +
      `(access may have been removed, have expired, or not include this permission). ` +
      `Please reconnect ${label} so I can ${purpose}.`
    : `To ${purpose}, I need your permission to use your ${label} account. ` +
      `What I find is shown only to you.`;
  const buttonText = truncate(`${input.reconnect ? 'Reconnect' : 'Connect'} ${input.connectorLabel}`, BUTTON_TEXT_MAX);
  const minutes = Math.max(1, Math.round(input.expiresInMinutes));
  const note =
    `This link works once and expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}. ` +
    `Once you have connected, I'll finish your request automatically.`;
  return {
    // The one-time link stays out of the notification text: previews show on lock screens.
    text: input.reconnect ? `Please reconnect ${label} so I can ${purpose}.` : `Please connect ${label} so I can ${purpose}.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: why, verbatim: true } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: buttonText },
            style: 'primary',
            url: input.url,
            action_id: AUTHORIZE_ACTION_ID,
          },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: note, verbatim: true }] },
    ],
  };
}

/** The private note where the user asked, while the real prompt waits in their DM. */
export function buildDmWaitingNotice(connectorLabel: string): { text: string; blocks: KnownBlock[] } {
  const label = escapeMrkdwn(connectorLabel);
  const text =
    `I've sent you a direct message with a link to connect ${label}; ` +
    `I'll finish this request once you have connected.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}

/** The DM after the connection worked; the kept request runs right after. */
/**
 * "Connected Gmail as alice@example.com" (the address when the backend knows it), with Disconnect
 * beside it: the App Home's own Disconnect action, so one handler serves both.
 */
export function buildAuthorizationDone(input: { connectorLabel: string; connection?: string; address?: string | undefined }): {
  text: string;
  blocks: KnownBlock[];
} {
  const label = escapeMrkdwn(input.connectorLabel);
  const as = input.address ? ` as ${escapeMrkdwn(input.address)}` : '';
  const text = `Connected ${label}${as} :white_check_mark: Now running your request…`;
  const section: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
  if (!input.connection) return { text, blocks: [section] };
  const disconnect = {
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: 'Disconnect' },
    action_id: `${HOME_DISCONNECT_PREFIX}${input.connection}`,
    value: input.connection,
    confirm: {
      title: { type: 'plain_text' as const, text: truncate(`Disconnect ${input.connectorLabel}?`, 100) },
      text: { type: 'plain_text' as const, text: truncate(`I won't be able to use your ${input.connectorLabel} account until you connect it again.`, 300) },
      confirm: { type: 'plain_text' as const, text: 'Disconnect' },
      deny: { type: 'plain_text' as const, text: 'Cancel' },
      style: 'danger' as const,
    },
  };
  return { text, blocks: [{ ...section, accessory: disconnect }] };
}
