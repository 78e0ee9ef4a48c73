/**
 * What the bot can do (for "help", "hi" and mentions it does not understand), and the usage of
 * `/unread` when its argument cannot be used.
 */
import type { KnownBlock } from '@slack/types';
import { DEFAULT_UNREAD, MAX_UNREAD } from '../../actions/showUnreadEmail.ts';
import { EVENT_EXAMPLES, EVENT_USAGE } from '../parsing/eventArgs.ts';
import { escapeTruncated, oneLine } from '../text/mrkdwn.ts';

const PROBLEM_MAX = 500;

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

/**
 * `botUserId`, when known, makes the mention examples real mentions (`<@U…>` still renders in a
 * verbatim object: verbatim only turns off Slack's guessing, not explicit markup).
 */
export function buildHelp(options: { botUserId?: string | undefined } = {}): { text: string; blocks: KnownBlock[] } {
  const me = options.botUserId && /^[UW][A-Z0-9]+$/.test(options.botUserId) ? `<@${options.botUserId}>` : '@me';
  const commands = [
    `• \`/unread\`: your ${DEFAULT_UNREAD} newest unread emails`,
    `• \`/unread 10\`: your 10 newest (any number from 1 to ${MAX_UNREAD})`,
    '• `/unread 3 from:alice`: words after the number are a Gmail search',
    `• \`${EVENT_EXAMPLES[0]}\`: adds an event to your Google Calendar`,
    '• `/alert critical deploy failed`: posts an alert to your team\'s channel',
    '• `/actions-log`: what I did on your behalf',
  ].join('\n');
  const mentions = [
    `• ${me} show me my last 5 unread emails`,
    `• ${me} any unread mail from alice?`,
    `• ${me} what's new in my inbox`,
    `• ${me} create a calendar event for tomorrow at 3pm called Design review`,
    `• ${me} send an alert to my team: deploy failed`,
  ].join('\n');
  return {
    text: `I can show you your unread Gmail, add events to your Google Calendar and send team alerts. Try /unread, /event or /alert.`,
    blocks: [
      section('*I can show you your unread Gmail, add events to your Google Calendar and send team alerts.* Only you see my answers.'),
      section(`*Slash command*\n${commands}`),
      section(`*Or mention me*\n${mentions}`),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'The first time, I\'ll send you a direct message with a link to connect Gmail or Google Calendar.',
            verbatim: true,
          },
        ],
      },
    ],
  };
}

/** Usage of `/unread`; `problem` (which may quote what the user typed) is escaped. */
export function buildUnreadUsage(problem?: string): { text: string; blocks: KnownBlock[] } {
  const usage =
    `*Usage:* \`/unread [count] [search]\`\n` +
    `• *count*: how many emails, from 1 to ${MAX_UNREAD} (default ${DEFAULT_UNREAD})\n` +
    `• *search*: any further words are a Gmail search, e.g. \`/unread 3 from:alice\``;
  const lead = problem ? `${escapeTruncated(oneLine(problem), PROBLEM_MAX)}\n` : '';
  return {
    text: `${lead}Usage: /unread [count] [search], count from 1 to ${MAX_UNREAD} (default ${DEFAULT_UNREAD}).`,
    blocks: [section(`${lead}${usage}`)],
  };
}

/** Usage of `/event` (and the answer to an event mention that cannot be read); `problem` is escaped. */
export function buildEventUsage(problem?: string): { text: string; blocks: KnownBlock[] } {
  const lead = problem ? `${escapeTruncated(oneLine(problem), PROBLEM_MAX)}\n` : '';
  const examples = EVENT_EXAMPLES.map((example) => `• \`${example}\``).join('\n');
  return {
    text: `${lead}Usage: ${EVENT_USAGE}.`,
    blocks: [section(`${lead}*Usage:* \`${EVENT_USAGE}\`\nTimes are read in your Slack time zone; no time means all day, no length 30 minutes.\n${examples}`)],
  };
}
