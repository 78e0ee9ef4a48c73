/** Every message builder: untrusted text only in verbatim mrkdwn or plain_text, and within limits. */
import { describe, expect, it } from 'vitest';
import {
  buildAuthorizationDone,
  buildAuthorizationPrompt,
  buildDmWaitingNotice,
} from '../../../src/slack/blocks/authorizationPrompt.ts';
import { buildHelp, buildUnreadUsage } from '../../../src/slack/blocks/help.ts';
import { buildUnreadSummary } from '../../../src/slack/blocks/unreadSummary.ts';
import { checkBlocks } from '../../standins/slackApi.ts';
import { textObjects } from './blockWalk.ts';

const hostile = '<!channel> @here <@U123> <https://evil.example|bank> & \u202Egnp.exe';
const messages = {
  summary: buildUnreadSummary({
    result: {
      mailbox: 'me@example.com',
      totalEstimate: 3,
      emails: [{ id: 'a', threadId: 'a', from: hostile, subject: hostile, snippet: hostile, receivedAt: new Date() }],
    },
    requested: 5,
    search: hostile,
  }),
  emptySummary: buildUnreadSummary({ result: { mailbox: undefined, emails: [], totalEstimate: 0 }, requested: 5, search: hostile }),
  prompt: buildAuthorizationPrompt({ connectorLabel: 'Gmail', url: 'https://auth.example/x', expiresInMinutes: 10, purpose: 'show your unread email', reconnect: false }),
  waiting: buildDmWaitingNotice('Gmail'),
  done: buildAuthorizationDone({ connectorLabel: 'Gmail', connection: 'gmail', address: '*bold* <!here> alice@example.com' }),
  help: buildHelp(),
  usage: buildUnreadUsage(`“${hostile}” is not a count I can use`),
};

describe.each(Object.entries(messages))('%s', (_name, message) => {
  it('puts every mrkdwn text in a verbatim object', () => {
    for (const object of textObjects(message.blocks)) {
      if (object.type === 'mrkdwn') expect(object.verbatim).toBe(true);
    }
  });

  it('lets no mention, broadcast, link or bidi override through', () => {
    for (const object of textObjects(message.blocks)) {
      if (object.type === 'mrkdwn') expect(object.text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil|\u202E/);
    }
    expect(message.text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil|\u202E/);
  });

  it('stays inside Block Kit limits and has a fallback text', () => {
    expect(checkBlocks(message.blocks)).toEqual([]);
    expect(message.text.length).toBeGreaterThan(0);
  });
});
