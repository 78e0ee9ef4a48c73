/**
 * The sandbox page's modal API: what the bot answers to a view_submission decides whether the modal
 * closes (an empty ack), stays open with the errors (`response_action: errors`), or stays open with
 * the view the bot sends (`response_action: update`, e.g. "nothing was changed"), as in Slack.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackDelivery } from '../../../sandbox/slackDelivery.ts';
import { startWebServer } from '../../../sandbox/web.ts';
import { Workspace } from '../../../sandbox/workspace.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../../standins/slackApi.ts';

let slack: SlackApiStandin;
let web: { url: string; close(): Promise<void> };
let workspace: Workspace;
let answer: { status: number; body: string };

const form = { type: 'modal', title: { type: 'plain_text', text: 'Edit the alert' }, submit: { type: 'plain_text', text: 'Save' }, blocks: [] };
const submit = async () => {
  const response = await fetch(`${web.url}/api/view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'V1', action: 'submit', values: {} }),
  });
  return (await response.json()) as Record<string, unknown>;
};
const shown = async () => ((await (await fetch(`${web.url}/api/state`)).json()) as { modal: { id: string; revision: number; view: typeof form } | null }).modal;

beforeAll(async () => {
  slack = await startSlackApiStandin({ botToken: 'xoxb-sandbox-web-test' });
  workspace = new Workspace(slack);
  const delivery = { viewSubmission: async () => ({ ...answer, elapsedMs: 1 }) } as unknown as SlackDelivery;
  web = await startWebServer({
    port: 0, workspace, delivery, user: { id: 'U1', name: 'Sam', teamId: 'T1', email: 'sam@example.com' }, inbox: [], addMail: () => {},
    google: { clientId: 'client', authorizeUrl: 'http://127.0.0.1:9/auth', account: { email: 'sam@example.com', name: 'Sam' } },
    slackAuthorizeUrl: 'http://127.0.0.1:9/authorize',
  });
});
afterAll(async () => {
  await web?.close();
  await slack?.close();
});
beforeEach(() => {
  workspace.modal = { id: 'V1', view: form, revision: 0 };
});

describe('submitting the modal in the sandbox', () => {
  it('stays open with the view the bot sends back (response_action: update), shown as a new revision', async () => {
    const nothingChanged = { ...form, title: { type: 'plain_text', text: 'Nothing changed' }, submit: undefined };
    answer = { status: 200, body: JSON.stringify({ response_action: 'update', view: nothingChanged }) };
    expect(await submit()).toEqual({ status: 200, updated: true });
    const modal = await shown();
    expect(modal?.id).toBe('V1');
    expect(modal?.revision).toBe(1);
    expect(modal?.view.title.text).toBe('Nothing changed');
  });

  it('stays open with the errors, or closes on an empty acknowledgement', async () => {
    answer = { status: 200, body: JSON.stringify({ response_action: 'errors', errors: { text: 'Write something' } }) };
    expect(await submit()).toEqual({ status: 200, errors: { text: 'Write something' } });
    expect((await shown())?.revision).toBe(0);
    answer = { status: 200, body: '' };
    expect(await submit()).toEqual({ status: 200 });
    expect(await shown()).toBeNull();
  });
});
