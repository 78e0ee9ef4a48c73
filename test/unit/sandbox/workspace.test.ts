/**
 * The sandbox's workspace model, fed by the Slack stand-in over HTTP as the bot feeds it: posts,
 * ephemeral posts, chat.update in place, views.publish, and response_url answers (private by
 * default, public with in_channel, replacing or deleting the message a button was on).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackApiStandin, type SlackApiStandin } from '../../standins/slackApi.ts';
import { Workspace } from '../../../sandbox/workspace.ts';

const TOKEN = 'xoxb-workspace-test';
let slack: SlackApiStandin;

beforeAll(async () => {
  slack = await startSlackApiStandin({ botToken: TOKEN });
});
afterAll(async () => {
  await slack.close();
});

async function call(method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${slack.url}${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}
const respond = (url: string, body: Record<string, unknown>) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const section = (text: string) => [{ type: 'section', text: { type: 'mrkdwn', text } }];

describe('the workspace', () => {
  it('shows posts, ephemeral posts, updates in place and the Home tab', async () => {
    const workspace = new Workspace(slack);
    const posted = await call('chat.postMessage', { channel: 'DU1', text: 'hello', blocks: section('hello') });
    await call('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'just you' });
    await call('chat.update', { channel: 'DU1', ts: posted.ts, text: 'updated', blocks: section('updated') });
    await call('views.publish', { user_id: 'U1', view: { type: 'home', blocks: section('home') } });
    await call('chat.postMessage', { channel: '', text: 'refused' }); // ok:false: not shown
    workspace.sync();
    expect(workspace.messages.map((m) => [m.channel, m.text, m.ephemeral, m.edited])).toEqual([
      ['DU1', 'updated', false, true],
      ['C1', 'just you', true, false],
    ]);
    expect(workspace.home?.blocks).toEqual(section('home'));
    workspace.sync(); // nothing new: nothing added twice
    expect(workspace.messages).toHaveLength(2);
  });

  it('places response_url answers: private by default, public when in_channel, replacing or deleting the clicked message', async () => {
    const workspace = new Workspace(slack);
    await respond(workspace.responseUrl({ channel: 'C1' }), { text: 'private answer' });
    await respond(workspace.responseUrl({ channel: 'C1' }), { text: 'for everyone', response_type: 'in_channel' });
    workspace.sync();
    const [privateAnswer, publicAnswer] = workspace.messages;
    expect([privateAnswer?.ephemeral, publicAnswer?.ephemeral]).toEqual([true, false]);

    await respond(workspace.responseUrl({ channel: 'C1', messageId: privateAnswer!.id }), { replace_original: true, text: 'replaced', blocks: section('replaced') });
    await respond(workspace.responseUrl({ channel: 'C1', messageId: publicAnswer!.id }), { delete_original: true });
    workspace.sync();
    expect(workspace.messages.map((m) => [m.id, m.text, m.ephemeral, m.edited])).toEqual([[privateAnswer!.id, 'replaced', true, true]]);
  });

  it('takes an answer that came inside a command\'s acknowledgement', () => {
    const workspace = new Workspace(slack);
    workspace.applyAnswer({ response_type: 'ephemeral', text: 'inline', blocks: section('inline') }, { channel: 'C1' });
    workspace.applyAnswer('', { channel: 'C1' }); // an empty ack: nothing to show
    expect(workspace.messages.map((m) => [m.text, m.ephemeral])).toEqual([['inline', true]]);
  });
});
