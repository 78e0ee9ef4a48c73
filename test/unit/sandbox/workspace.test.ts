/**
 * The sandbox's workspace model, fed by the Slack stand-in over HTTP as the bot feeds it: posts,
 * ephemeral posts, chat.update in place, views.publish, and response_url answers (private by
 * default, public with in_channel, replacing or deleting the message a button was on); and the
 * agent surface: thread statuses, streams growing call by call, suggested prompts, views.open.
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

describe("the agent surface of the bot's Messages tab", () => {
  const DM = 'DU0AGENT';
  const THREAD = '1700000000.000100';

  it('shows a status in its thread until the answer starts, then the stream growing with each call', async () => {
    const workspace = new Workspace(slack);
    await call('assistant.threads.setStatus', { channel_id: DM, thread_ts: THREAD, status: 'is working on it…', loading_messages: ['Reading your message…'] });
    workspace.sync();
    expect(workspace.statuses).toEqual([{ channel: DM, threadTs: THREAD, status: 'is working on it…', loadingMessages: ['Reading your message…'] }]);

    const task = (status: string) => ({ type: 'task_update', id: 't1', title: 'Reading your inbox', status });
    const started = await call('chat.startStream', { channel: DM, thread_ts: THREAD, recipient_user_id: 'U0AGENT', recipient_team_id: 'T0TEAM', chunks: [task('in_progress')] });
    expect(started.ok).toBe(true);
    workspace.sync();
    expect(workspace.statuses).toEqual([]);
    const [answer] = workspace.messages;
    expect(answer).toMatchObject({ channel: DM, ts: started.ts, threadTs: THREAD, from: 'bot', stream: { state: 'streaming', chunks: [task('in_progress')] } });

    await call('chat.appendStream', { channel: DM, ts: started.ts, markdown_text: 'Found 2.', chunks: [task('complete')] });
    workspace.sync();
    expect(answer?.stream?.chunks).toEqual([task('in_progress'), { type: 'markdown_text', text: 'Found 2.' }, task('complete')]);

    const blocks = [...section('the summary'), { type: 'context_actions', elements: [{ type: 'feedback_buttons', action_id: 'agent_feedback', positive_button: { text: { type: 'plain_text', text: 'Good' }, value: 'good:x' }, negative_button: { text: { type: 'plain_text', text: 'Bad' }, value: 'bad:x' } }] }];
    await call('chat.stopStream', { channel: DM, ts: started.ts, blocks });
    workspace.sync();
    expect(answer?.stream?.state).toBe('stopped');
    expect(answer?.blocks).toEqual(blocks);
    expect(workspace.messages).toHaveLength(1);

    // chat.update replaces the streamed message whole (an approval card answered).
    await call('chat.update', { channel: DM, ts: started.ts, text: 'Approved', blocks: section('Approved') });
    workspace.sync();
    expect(answer).toMatchObject({ text: 'Approved', blocks: section('Approved'), edited: true });
    expect(answer?.stream).toBeUndefined();
  });

  it('clears a status set empty or answered by a post in the thread, and keeps another thread\'s', async () => {
    const workspace = new Workspace(slack);
    for (const thread of ['1.1', '2.2', '3.3']) await call('assistant.threads.setStatus', { channel_id: DM, thread_ts: thread, status: 'is working on it…' });
    await call('assistant.threads.setStatus', { channel_id: DM, thread_ts: '1.1', status: '' });
    await call('chat.postMessage', { channel: DM, thread_ts: '2.2', text: 'That message is too long.' });
    workspace.sync();
    expect(workspace.statuses.map((s) => s.threadTs)).toEqual(['3.3']);
    expect(workspace.messages.map((m) => [m.text, m.threadTs])).toEqual([['That message is too long.', '2.2']]);
  });

  it('keeps the suggested prompts by channel, and the modal views.open opened until it is closed', async () => {
    const workspace = new Workspace(slack);
    const prompts = [{ title: "What's unread?", message: 'Show me my 5 newest unread emails' }];
    await call('assistant.threads.setSuggestedPrompts', { channel_id: DM, title: 'Try one of these', prompts });
    const view = { type: 'modal', callback_id: 'agent_draft_edit', title: { type: 'plain_text', text: 'Edit your reply' }, blocks: section('x') };
    const opened = (await call('views.open', { trigger_id: '1.abc', view })) as { view: { id: string } };
    await call('views.open', { view }); // no trigger_id: refused, not shown
    workspace.sync();
    expect(workspace.prompts).toEqual({ [DM]: { title: 'Try one of these', prompts } });
    expect(workspace.modal).toEqual({ id: opened.view.id, view, revision: 0 });
    workspace.closeModal('V-other');
    expect(workspace.modal?.id).toBe(opened.view.id);
    workspace.closeModal(opened.view.id);
    expect(workspace.modal).toBeUndefined();
  });
});
