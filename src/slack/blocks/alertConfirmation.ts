/**
 * What the sender of a team alert sees, privately: posted (with a link to the message), delayed
 * (Slack is failing; the alert is kept and retried), or a clear reason it was not posted, including
 * how to invite the bot into a channel it is not in. Channel ids become `<#C…>` links, which Slack
 * renders with the channel's name for everyone allowed to see it.
 */
import type { KnownBlock } from '@slack/types';
import type { AlertFailureReason } from '../../actions/alerts/outbox.ts';
import type { AlertRefusal } from '../../actions/alerts/raiseAlert.ts';
import { ALERT_USAGE } from '../parsing/alertArgs.ts';
import { escapeTruncated, oneLine, slackDate } from '../text/mrkdwn.ts';

type Message = { text: string; blocks: KnownBlock[] };
export type AlertProblem = AlertFailureReason | AlertRefusal['reason'];

const PERMALINK = /^https:\/\/[^\s|<>]{1,2000}$/;

function channel(channelId: string | undefined): string {
  return channelId && /^[CG][A-Z0-9]{2,30}$/.test(channelId) ? `<#${channelId}>` : 'the channel';
}

function message(text: string): Message {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}

export function buildAlertPosted(input: { channelId: string; permalink: string }): Message {
  const where = channel(input.channelId);
  const link = PERMALINK.test(input.permalink) ? ` <${input.permalink}|View it>` : '';
  return message(`:white_check_mark: Your alert is posted in ${where}.${link}`);
}

/** Accepted, but Slack is failing for now: it is kept and retried, and the sender hears how it ends. */
export function buildAlertDelayed(input: { channelId: string; retryAt: Date }): Message {
  return message(
    `:hourglass_flowing_sand: Slack isn't taking messages right now, so your alert for ${channel(input.channelId)} is saved ` +
      `and I'll post it as soon as I can (next try ${slackDate(input.retryAt)}). I'll tell you when it's posted.`,
  );
}

export interface AlertFailureInput {
  reason: AlertProblem;
  channelId?: string | undefined;
  /** For unknown_channel: the name the sender gave. */
  channelName?: string | undefined;
  /** For rate_limited. */
  retryAfterMs?: number | undefined;
  /** The bot's name as people type it after `/invite @`. */
  botName: string;
}

export function buildAlertFailed(input: AlertFailureInput): Message {
  const where = channel(input.channelId);
  const bot = escapeTruncated(oneLine(input.botName) || 'this app', 80);
  const lines: Record<AlertProblem, string> = {
    not_in_channel: `I'm not in ${where}, so I couldn't post your alert. Invite me with \`/invite @${bot}\` in that channel, then send it again.`,
    channel_not_found: `I couldn't find ${where}: it may have been deleted, or be private without me in it. Invite me with \`/invite @${bot}\`, or pick another channel.`,
    is_archived: `${where} is archived, so your alert was not posted. Pick another channel.`,
    refused: `Slack refused to post your alert in ${where}. Please try again; if it keeps happening, tell the app's admins.`,
    gave_up: `Slack kept failing for hours, so your alert for ${where} was not posted. Please send it again.`,
    invalid: `I couldn't use that alert. Usage: \`${ALERT_USAGE}\``,
    not_allowed: 'You are not among the people who can raise team alerts in this workspace; ask a workspace admin.',
    mention_not_allowed: 'You are not allowed to notify the whole channel (@channel) with an alert. Send it again without @channel.',
    rate_limited: `You've raised several alerts in a short time; please wait ${waitText(input.retryAfterMs)} before the next one.`,
    no_channel: 'There is no team-alert channel yet. Name one (`/alert #channel your message`), or ask a workspace admin to set it with `/alert-channel #channel`.',
    unknown_channel: `I couldn't find a channel called #${escapeTruncated(oneLine(input.channelName ?? ''), 80)}. Check the name, or pick it from the list as you type #.`,
  };
  return message(`:x: ${lines[input.reason]}`);
}

function waitText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 60_000) return 'a minute';
  return `about ${Math.ceil(ms / 60_000)} minutes`;
}

/** After /alert-channel: where alerts go from now on. */
export function buildAlertChannelSet(input: { channelId: string }): Message {
  return message(`:white_check_mark: Team alerts now go to ${channel(input.channelId)}. Make sure I'm in it: \`/invite\` me there if not.`);
}

