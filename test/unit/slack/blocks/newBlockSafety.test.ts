/** The issue-5 builders: untrusted text only in verbatim mrkdwn or plain_text, escaped, and within limits. */
import { describe, expect, it } from 'vitest';
import { buildActionsLog } from '../../../../src/slack/blocks/actionsLog.ts';
import { buildAlertChannelSet, buildAlertDelayed, buildAlertFailed, buildAlertPosted } from '../../../../src/slack/blocks/alertConfirmation.ts';
import { buildAlertMessage } from '../../../../src/slack/blocks/alertMessage.ts';
import { buildAlertProposal } from '../../../../src/slack/blocks/alertProposal.ts';
import { buildAppHome } from '../../../../src/slack/blocks/appHome.ts';
import { buildEventConfirmation } from '../../../../src/slack/blocks/eventConfirmation.ts';
import { addUnreadActions } from '../../../../src/slack/blocks/unreadSummaryActions.ts';
import { buildUnreadSummary } from '../../../../src/slack/blocks/unreadSummary.ts';
import { checkBlocks } from '../../../standins/slackApi.ts';
import { textObjects } from '../blockWalk.ts';

const hostile = '<!channel> @here <@U123> <https://evil.example|bank> & \u202Egnp.exe';
const email = { id: '18c1', threadId: '18c1', from: hostile, subject: hostile, snippet: hostile, receivedAt: new Date() };
const summary = buildUnreadSummary({ result: { mailbox: 'me@example.com', emails: [email], totalEstimate: 9 }, requested: 1, search: hostile });

const messages = {
  alert: buildAlertMessage({ severity: 'critical', text: hostile, raisedBy: 'U0SENDER', at: new Date(), mentionChannel: false }),
  posted: buildAlertPosted({ channelId: 'C0OPS', permalink: 'https://x.slack.com/archives/C0OPS/p1' }),
  delayed: buildAlertDelayed({ channelId: 'C0OPS', retryAt: new Date() }),
  notInChannel: buildAlertFailed({ reason: 'not_in_channel', channelId: 'C0OPS', botName: hostile }),
  unknownChannel: buildAlertFailed({ reason: 'unknown_channel', channelName: hostile, botName: 'Agent Actions' }),
  channelSet: buildAlertChannelSet({ channelId: 'C0OPS' }),
  proposal: buildAlertProposal({ proposalId: 'p1', request: { channel: 'ops', severity: 'critical', text: `${hostile} ${'&'.repeat(2_000)}`, mentionChannel: true } }),
  event: buildEventConfirmation({
    event: { id: 'e', htmlLink: 'https://www.google.com/calendar/event?eid=x', summary: hostile, start: { dateTime: new Date() }, end: { dateTime: new Date(Date.now() + 1_800_000) } },
    timeZone: 'Europe/Berlin',
  }),
  log: buildActionsLog([{ identifier: 'i', slackUserId: 'U1', teamId: 'T1', action: hostile, connection: hostile, at: new Date(), outcome: 'failed', errorCode: 'INTERNAL' }]),
  home: buildAppHome({ connectors: [{ id: 'gmail', label: hostile, status: 'expired', purpose: hostile }], alertChannel: { channelId: 'C0OPS', source: 'workspace' } }),
  summaryActions: addUnreadActions(summary, [email], { count: 1, search: hostile, nextPageToken: '123' }),
};

describe.each(Object.entries(messages))('%s', (name, message) => {
  it('puts every mrkdwn text in a verbatim object', () => {
    for (const object of textObjects(message.blocks)) if (object.type === 'mrkdwn') expect(object.verbatim).toBe(true);
  });

  it('lets no mention, broadcast, link or bidi override through', () => {
    for (const object of textObjects(message.blocks)) {
      if (object.type === 'mrkdwn') expect(object.text).not.toMatch(/<!channel>|<!here>|<@U123>|<https:\/\/evil|\u202E/);
    }
    if ('text' in message) expect(message.text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil|\u202E/);
    // The alert is posted to a channel: even a plain "@here" in its notification text is defused.
    if (name === 'alert' && 'text' in message) expect(message.text).not.toMatch(/@here/);
  });

  it('stays inside Block Kit limits', () => {
    expect(checkBlocks(message.blocks.slice(0, 50))).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual('type' in message && message.type === 'home' ? 100 : 50);
  });
});
