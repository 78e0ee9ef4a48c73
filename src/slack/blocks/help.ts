/**
 * What the bot can do (for "help", "hi" and mentions it does not understand), and the usage of
 * `/unread` when its argument cannot be used.
 */
import type { KnownBlock } from '@slack/types';
import { DEFAULT_UNREAD, MAX_UNREAD } from '../../actions/showUnreadEmail.ts';
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
  ].join('\n');
  const mentions = [
    `• ${me} show me my last 5 unread emails`,
    `• ${me} any unread mail from alice?`,
    `• ${me} what's new in my inbox`,
  ].join('\n');
  return {
    text: `I can show you your unread Gmail, privately. Try /unread, /unread 10 or /unread 3 from:alice.`,
    blocks: [
      section('*I can show you your unread Gmail, privately.* Only you see the answer.'),
      section(`*Slash command*\n${commands}`),
      section(`*Or mention me*\n${mentions}`),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'The first time, I\'ll send you a direct message with a link to connect Gmail.',
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
