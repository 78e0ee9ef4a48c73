/**
 * The App Home tab: for each connector, the user's status (Connected, Not connected, Expired) with
 * Connect, Reconnect and Disconnect buttons, then the workspace's team-alert channel. Buttons carry
 * `home_connect:<connector>` and `home_disconnect:<connector>` (Reconnect is a connect); Disconnect
 * asks for confirmation. At most 100 blocks, as Slack allows in a Home tab.
 */
import type { ActionsBlock, Button, HomeView, KnownBlock } from '@slack/types';
import type { AccountStatus } from '../../agentAuth/port.ts';
import type { DigestView } from '../../actions/digests/manageDigests.ts';
import { escapeMrkdwn, escapeTruncated, oneLine, truncate } from '../text/mrkdwn.ts';
import { formatSlot, scheduleLine } from './digestStatus.ts';

export type HomeConnectorStatus = 'connected' | 'not_connected' | 'expired';

export interface HomeConnector {
  /** The connection key, e.g. `gmail`, `google-calendar`: it goes into action_ids. */
  id: string;
  label: string;
  status: HomeConnectorStatus;
  /** What it lets the bot do, e.g. "show your unread email". */
  purpose?: string | undefined;
}

export interface AppHomeInput {
  connectors: HomeConnector[];
  /** The workspace's team-alert channel, if any, and whether it was set here or comes from the settings. */
  alertChannel?: { channelId: string; source: 'workspace' | 'default' } | undefined;
  /** A line shown at the top, e.g. why a Connect click sent no link (plain text, escaped here). */
  notice?: string | undefined;
  /** The user's scheduled digest: null when they have none; the section is left out when undefined. */
  digest?: DigestView | null | undefined;
}

export const HOME_CONNECT_PREFIX = 'home_connect:';
export const HOME_DISCONNECT_PREFIX = 'home_disconnect:';
export const HOME_DIGEST_PAUSE = 'home_digest:pause';
export const HOME_DIGEST_RESUME = 'home_digest:resume';
export const HOME_DIGEST_CHANGE = 'home_digest:change';
export const MAX_HOME_BLOCKS = 100;
const CONNECTOR_ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;
const FIXED_BLOCKS = 12; // header, context, notice, divider, header, section, context; digest: divider, header, section (or context), actions, context
const STATUS_TEXT: Record<HomeConnectorStatus, string> = {
  connected: ':large_green_circle: Connected',
  not_connected: ':white_circle: Not connected',
  expired: ':large_orange_circle: Expired: reconnect to keep using it',
};

/** The agent-auth status as the Home tab shows it: anything not active or expired is "not connected". */
export function homeStatusOf(status: AccountStatus): HomeConnectorStatus {
  if (status === 'ACTIVE') return 'connected';
  if (status === 'EXPIRED') return 'expired';
  return 'not_connected';
}

/** Reads a Home button's action_id back; undefined for anything else. */
export function parseHomeAction(actionId: string): { verb: 'connect' | 'disconnect'; connector: string } | undefined {
  for (const [prefix, verb] of [[HOME_CONNECT_PREFIX, 'connect'], [HOME_DISCONNECT_PREFIX, 'disconnect']] as const) {
    const connector = actionId.startsWith(prefix) ? actionId.slice(prefix.length) : undefined;
    if (connector !== undefined && CONNECTOR_ID.test(connector)) return { verb, connector };
  }
  return undefined;
}

export function buildAppHome(input: AppHomeInput): HomeView {
  const connectors = input.connectors.filter((c) => CONNECTOR_ID.test(c.id)).slice(0, Math.floor((MAX_HOME_BLOCKS - FIXED_BLOCKS) / 2));
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Your connected accounts', emoji: true } },
    context('I act on your accounts only through the connections below. Only you see this page.'),
    ...(input.notice ? [context(`:hourglass: ${escapeTruncated(oneLine(input.notice), 300)}`)] : []),
  ];
  for (const connector of connectors) {
    const label = escapeTruncated(oneLine(connector.label) || connector.id, 100);
    const purpose = connector.purpose ? `\n${escapeTruncated(oneLine(connector.purpose), 300)}` : '';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${label}*  ${STATUS_TEXT[connector.status]}${purpose}`, verbatim: true } });
    blocks.push(buttonsFor(connector));
  }
  blocks.push({ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: 'Team alerts', emoji: true } });
  const channel = input.alertChannel && /^[CG][A-Z0-9]{2,30}$/.test(input.alertChannel.channelId) ? input.alertChannel : undefined;
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      verbatim: true,
      text: channel
        ? `Alerts go to <#${channel.channelId}>${channel.source === 'default' ? ' (the default from the settings)' : ''}.`
        : 'No team-alert channel is set yet.',
    },
  });
  blocks.push(context('`/alert [#channel] [critical|warning|info] message` raises one; a workspace admin sets the channel with `/alert-channel #channel`.'));
  if (input.digest !== undefined) blocks.push(...digestSection(input.digest));
  return { type: 'home', blocks };
}

/** The scheduled digest: what and when, with Pause or Resume; changed with `/digest`. */
function digestSection(digest: DigestView | null): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: 'Scheduled digest', emoji: true } }];
  const change = (text: string): Button => ({ type: 'button', text: { type: 'plain_text', text }, action_id: HOME_DIGEST_CHANGE, value: 'change' });
  if (!digest) {
    blocks.push(context('None yet. `/digest weekdays 9:00` DMs you your unread email every weekday at 9:00, in your Slack time zone.'));
    blocks.push({ type: 'actions', elements: [change('Set up a digest')] });
    return blocks;
  }
  const when = digest.paused
    ? ':double_vertical_bar: Paused'
    : `Next: ${escapeMrkdwn(digest.next ? formatSlot(digest.next, digest.timeZone) : 'not planned')}`;
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${scheduleLine(digest)}*\n${when}`, verbatim: true } });
  const button: Button = digest.paused
    ? { type: 'button', text: { type: 'plain_text', text: 'Resume' }, style: 'primary', action_id: HOME_DIGEST_RESUME, value: 'resume' }
    : { type: 'button', text: { type: 'plain_text', text: 'Pause' }, action_id: HOME_DIGEST_PAUSE, value: 'pause' };
  blocks.push({ type: 'actions', elements: [button, change('Change')] });
  blocks.push(context('Change it with `/digest <days> <time> [count] [search]`, e.g. `/digest mondays 9`; `/digest off` stops it.'));
  return blocks;
}

function buttonsFor(connector: HomeConnector): ActionsBlock {
  const label = truncate(oneLine(connector.label) || connector.id, 50);
  const connect = (text: string): Button => ({
    type: 'button',
    text: { type: 'plain_text', text: truncate(`${text} ${label}`, 75) },
    style: 'primary',
    action_id: `${HOME_CONNECT_PREFIX}${connector.id}`,
    value: connector.id,
  });
  const disconnect: Button = {
    type: 'button',
    text: { type: 'plain_text', text: 'Disconnect' },
    action_id: `${HOME_DISCONNECT_PREFIX}${connector.id}`,
    value: connector.id,
    confirm: {
      title: { type: 'plain_text', text: truncate(`Disconnect ${label}?`, 100) },
      text: { type: 'plain_text', text: truncate(`I won't be able to use your ${label} account until you connect it again.`, 300) },
      confirm: { type: 'plain_text', text: 'Disconnect' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    },
  };
  const elements = connector.status === 'connected' ? [disconnect] : connector.status === 'expired' ? [connect('Reconnect'), disconnect] : [connect('Connect')];
  return { type: 'actions', elements };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text, verbatim: true }] };
}
