import { describe, expect, it } from 'vitest';
import { buildAlertDelayed, buildAlertFailed, buildAlertPosted, type AlertProblem } from '../../../../src/slack/blocks/alertConfirmation.ts';
import { buildAlertMessage } from '../../../../src/slack/blocks/alertMessage.ts';
import { escapedChunks } from '../../../../src/slack/text/chunks.ts';
import { checkBlocks } from '../../../standins/slackApi.ts';
import { textObjects } from '../blockWalk.ts';

const AT = new Date('2026-03-27T09:00:00Z');
const texts = (blocks: unknown[]) => textObjects(blocks).map((t) => t.text);

describe('buildAlertMessage', () => {
  it('shows severity with an emoji, the escaped text, the sender and a date token', () => {
    const { text, blocks } = buildAlertMessage({ severity: 'critical', text: 'db <down> & out', raisedBy: 'U0SENDER', at: AT, mentionChannel: false });
    expect(texts(blocks)).toEqual([
      ':rotating_light: *Critical alert*',
      'db &lt;down&gt; &amp; out',
      `Raised by <@U0SENDER> · <!date^${AT.getTime() / 1000}^{date_short_pretty} at {time}|2026-03-27 09:00 UTC>`,
    ]);
    expect(text).toBe('Critical alert from <@U0SENDER>: db &lt;down&gt; &amp; out');
  });

  it('notifies the channel only when told to, in the blocks and the notification text', () => {
    const quiet = buildAlertMessage({ severity: 'info', text: 'hi @channel', raisedBy: 'U1X', at: AT, mentionChannel: false });
    expect(JSON.stringify(quiet)).not.toContain('<!channel>');
    expect(quiet.text).toContain('@\u2060channel');
    const loud = buildAlertMessage({ severity: 'warning', text: 'deploy failed', raisedBy: 'U1X', at: AT, mentionChannel: true });
    expect(texts(loud.blocks)[0]).toBe('<!channel> :warning: *Warning alert*');
    expect(loud.text.startsWith('<!channel> Warning alert')).toBe(true);
  });

  it('carries a 2000-character alert whole, in several sections, never over 3000 each', () => {
    const long = '&'.repeat(1999) + '!';
    const { blocks } = buildAlertMessage({ severity: 'info', text: long, raisedBy: 'U1X', at: AT, mentionChannel: false });
    const body = texts(blocks).slice(1, -1);
    expect(body.length).toBe(4);
    expect(body.join('')).toBe('&amp;'.repeat(1999) + '!');
    expect(checkBlocks(blocks)).toEqual([]);
  });

  it('names nobody when the sender id is not a user id', () => {
    expect(texts(buildAlertMessage({ severity: 'info', text: 'x', raisedBy: '<!channel>', at: AT, mentionChannel: false }).blocks)[2]).toMatch(/^Raised by someone/);
  });
});

describe('escapedChunks', () => {
  it('breaks at a space near the end, and keeps emoji whole', () => {
    expect(escapedChunks('aaaa bbbb cc', 9)).toEqual(['aaaa bbbb', 'cc']);
    expect(escapedChunks('👩‍💻👩‍💻', 6)).toEqual(['👩‍💻', '👩‍💻']);
    expect(escapedChunks('', 10)).toEqual([]);
  });
});

describe('alert confirmations', () => {
  it('links to the posted alert, and leaves out a link that is not one', () => {
    expect(buildAlertPosted({ channelId: 'C0OPS', permalink: 'https://x.slack.com/archives/C0OPS/p1' }).text).toBe(
      ':white_check_mark: Your alert is posted in <#C0OPS>. <https://x.slack.com/archives/C0OPS/p1|View it>',
    );
    expect(buildAlertPosted({ channelId: 'C0OPS', permalink: 'javascript:alert(1)|x' }).text).toBe(':white_check_mark: Your alert is posted in <#C0OPS>.');
  });

  it('says how to invite the bot when it is not in the channel', () => {
    expect(buildAlertFailed({ reason: 'not_in_channel', channelId: 'C0OPS', botName: 'Agent Actions' }).text).toBe(
      ":x: I'm not in <#C0OPS>, so I couldn't post your alert. Invite me with `/invite @Agent Actions` in that channel, then send it again.",
    );
  });

  it('has a sentence for every reason', () => {
    const reasons: AlertProblem[] = ['not_in_channel', 'channel_not_found', 'is_archived', 'refused', 'gave_up', 'invalid', 'not_allowed', 'mention_not_allowed', 'rate_limited', 'no_channel', 'unknown_channel'];
    for (const reason of reasons) expect(buildAlertFailed({ reason, botName: 'bot' }).text).toMatch(/^:x: \S/);
    expect(buildAlertFailed({ reason: 'rate_limited', retryAfterMs: 150_000, botName: 'bot' }).text).toContain('about 3 minutes');
  });

  it('tells the sender a delayed alert is kept', () => {
    expect(buildAlertDelayed({ channelId: 'C0OPS', retryAt: AT }).text).toMatch(/saved and I'll post it/);
  });
});
