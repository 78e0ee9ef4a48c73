/**
 * The buttons on the email summary through the real bot: "Mark as read" marks the email read through
 * the user's Gmail token and updates the message in place; "Show more" replaces it with the next
 * emails; a token without gmail.modify makes the bot ask the user to reconnect.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction } from '../helpers/slackRequests.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';

let h: Harness;
const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);
const isCall = (method: string, match: (c: RecordedCall) => boolean) => (a: Arrival): a is RecordedCall =>
  a.kind === 'call' && a.method === method && match(a);
interface Button { action_id?: string; value?: string; text?: { text: string } }
const buttonsIn = (blocks: unknown[]): Button[] =>
  (blocks as Array<{ type: string; elements?: Button[] }>).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

async function summary(user: string, text: string): Promise<unknown[]> {
  const sent = await h.unread(user, text);
  const answer = await h.answerOf(sent);
  return (answer.body as { blocks: unknown[] }).blocks;
}

function click(user: string, button: Button, messageBlocks?: unknown[]) {
  const responseUrl = h.slack.responseUrl(`click-${Math.random().toString(36).slice(2)}`);
  return sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
    actionId: button.action_id ?? '',
    value: button.value ?? '',
    userId: user,
    teamId: TEAM,
    responseUrl,
    ...(messageBlocks ? { messageBlocks } : {}),
  }).then((sent) => ({ ...sent, responseUrl }));
}

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  for (let i = 0; i < 8; i++) {
    h.gmail.addMessage({ from: `Sender ${i} <s${i}@example.com>`, subject: `Subject ${i}`, date: new Date(Date.now() - i * 60_000), snippet: `snippet ${i}` });
  }
});

describe('Mark as read', () => {
  it('marks the email read and updates the message in place', async () => {
    h.activate('U0BTN');
    const blocks = await summary('U0BTN', '3');
    const markRead = buttonsIn(blocks).filter((b) => b.action_id?.startsWith('mark_read:'));
    expect(markRead).toHaveLength(3);
    expect(buttonsIn(blocks).some((b) => b.text?.text === 'Open in Gmail')).toBe(true);
    const clicked = await click('U0BTN', markRead[0]!, blocks);
    expect(clicked.status).toBe(200);
    const updated = await h.slack.waitFor(isResponse(clicked.responseUrl));
    expect(updated.body).toMatchObject({ replace_original: true });
    const after = (updated.body as { blocks: unknown[] }).blocks;
    expect(JSON.stringify(after)).toContain('Marked as read');
    expect(buttonsIn(after).filter((b) => b.action_id?.startsWith('mark_read:'))).toHaveLength(2);
    expect(h.gmail.requests.some((r) => r.path.endsWith('/batchModify'))).toBe(true);
    const again = JSON.stringify(await summary('U0BTN', '3'));
    expect(again).not.toContain('Subject 0');
    expect(again).toContain('Subject 3');
  });

  it('updates a private (ephemeral) summary in place too, though Slack sends no blocks with the click', async () => {
    h.activate('U0EPH');
    const blocks = await summary('U0EPH', '3 from:s');
    const markRead = buttonsIn(blocks).filter((b) => b.action_id?.startsWith('mark_read:'));
    const clicked = await click('U0EPH', markRead[1]!); // no message blocks, as for an ephemeral message
    const updated = await h.slack.waitFor(isResponse(clicked.responseUrl));
    expect(updated.body).toMatchObject({ replace_original: true });
    const after = JSON.stringify((updated.body as { blocks: unknown[] }).blocks);
    expect(after).not.toContain('Subject 1');
    expect(after).toContain('Subject 0');
    expect(after).toContain('Subject 3');
    // The same search and count as the message it replaces.
    const lists = h.gmail.requests.filter((r) => r.path === '/gmail/v1/users/me/messages');
    expect(lists.at(-1)?.query.get('q')).toBe('is:unread from:s');
    expect(lists.at(-1)?.query.get('maxResults')).toBe('3');
  });

  it('asks the user to reconnect Gmail when the token may only read', async () => {
    const token = h.activate('U0RO');
    h.gmail.allowReadOnlyToken(token);
    const blocks = await summary('U0RO', '2');
    const markRead = buttonsIn(blocks).find((b) => b.action_id?.startsWith('mark_read:'));
    await click('U0RO', markRead!, blocks);
    const dm = await h.slack.waitFor(isCall('chat.postMessage', (c) => c.body.channel === 'DU0RO' && JSON.stringify(c.body).includes('/connect/')));
    expect(JSON.stringify(dm.body)).toContain('Gmail');
  });
});

describe('Mark as read on a private summary, with a small read allowance', () => {
  let small: Harness;
  afterAll(async () => {
    await small?.close();
  });

  it('spends one read for the click, though it lists the page again', async () => {
    small = await startHarness({ READ_RATE_BURST: '3', READ_RATE_REFILL_SECONDS: '3600' });
    for (let i = 0; i < 4; i++) small.gmail.addMessage({ from: `S${i} <s${i}@example.com>`, subject: `Budget ${i}`, date: new Date(Date.now() - i * 60_000), snippet: 'x' });
    small.activate('U0BUDGET');
    const first = await small.answerOf(await small.unread('U0BUDGET', '2'));
    const markRead = buttonsIn((first.body as { blocks: unknown[] }).blocks).find((b) => b.action_id?.startsWith('mark_read:'));
    const responseUrl = small.slack.responseUrl('budget-click');
    await sendBlockAction(`${small.botUrl}/slack/events`, SIGNING_SECRET, {
      actionId: markRead!.action_id ?? '', value: markRead!.value ?? '', userId: 'U0BUDGET', teamId: TEAM, responseUrl,
    });
    const relisted = await small.slack.waitFor(isResponse(responseUrl));
    expect(JSON.stringify(relisted.body)).toContain('Budget 1');
    // Two of three spent (the summary, the click): one more /unread is still allowed.
    const third = JSON.stringify((await small.answerOf(await small.unread('U0BUDGET', '2'))).body);
    expect(third).toContain('Budget 1');
    expect(third).not.toMatch(/slow down|too many|try again in/i);
  });
});

describe('Show more', () => {
  it('replaces the message with the next emails', async () => {
    h.activate('U0MORE');
    const blocks = await summary('U0MORE', '3');
    const more = buttonsIn(blocks).find((b) => b.action_id === 'unread_show_more');
    expect(more).toBeDefined();
    const clicked = await click('U0MORE', more!);
    const replaced = await h.slack.waitFor(isResponse(clicked.responseUrl));
    expect(replaced.body).toMatchObject({ replace_original: true });
    const text = JSON.stringify((replaced.body as { blocks: unknown[] }).blocks);
    expect(text).toContain('Subject 3');
    expect(text).toContain('Subject 5');
    expect(text).not.toContain('Subject 2');
  });
});
