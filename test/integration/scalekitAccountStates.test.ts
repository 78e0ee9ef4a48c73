/**
 * Scalekit accounts that exist but cannot do what is asked, through the real bot: an account whose
 * connection grants Gmail read-only (Mark as read asks the user to reconnect and changes nothing in
 * Gmail), and an account Scalekit reports EXPIRED (/unread asks the user to reconnect, and the kept
 * request finishes once they have).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizationLinkIn, GMAIL_MODIFY, GMAIL_READONLY, SIGNING_SECRET, startHarness, TEAM, type Harness } from '../helpers/botHarness.ts';
import { sendBlockAction } from '../helpers/slackRequests.ts';
import type { StoredMessage } from '../standins/gmailStandin.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';

let h: Harness;
let lunch: StoredMessage;
const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);
const textOf = (body: unknown) => `${String((body as { text?: unknown }).text)} ${JSON.stringify((body as { blocks?: unknown }).blocks ?? [])}`;
const isDmTo = (user: string, match: (text: string) => boolean) => (a: Arrival): a is RecordedCall =>
  a.kind === 'call' && a.method === 'chat.postMessage' && a.body.channel === `D${user}` && match(textOf(a.body));
interface Button { action_id?: string; value?: string }
const markReadButtonIn = (blocks: unknown[]): Button | undefined =>
  (blocks as Array<{ type: string; elements?: Button[] }>)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .find((b) => b.action_id?.startsWith('mark_read:'));

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  lunch = h.gmail.addMessage({ from: 'Bob <bob@example.com>', subject: 'Lunch?', date: new Date(Date.now() - 60_000), snippet: 'Are you free at noon?' });
});

describe('a Scalekit account granted Gmail read-only', () => {
  it('asks the user to reconnect on Mark as read, leaves the email unread, and marks it once reconnected with the scope', async () => {
    const user = 'U0SKRO';
    h.scalekit.setConnectionScopes('gmail', [GMAIL_READONLY]);
    // Connect through the bot: Scalekit's connection grants only gmail.readonly.
    await h.unread(user);
    const firstDm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect((await h.connect(authorizationLinkIn(firstDm))).status).toBe(200);
    expect(h.scalekit.getAccount('gmail', h.identifierOf(user))).toMatchObject({ status: 'ACTIVE', scopes: [GMAIL_READONLY] });
    const summary = await h.slack.waitFor(isDmTo(user, (text) => text.includes('Lunch?')));
    const blocks = (summary.body as { blocks: unknown[] }).blocks;
    const markRead = markReadButtonIn(blocks);
    expect(markRead).toBeDefined();

    h.slack.reset();
    const responseUrl = h.slack.responseUrl('click-readonly');
    const clicked = await sendBlockAction(`${h.botUrl}/slack/events`, SIGNING_SECRET, {
      actionId: markRead!.action_id!,
      value: markRead!.value!,
      userId: user,
      teamId: TEAM,
      responseUrl,
      messageBlocks: blocks,
    });
    expect(clicked.status).toBe(200);
    const prompt = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect(String(prompt.body.text)).toBe('Please reconnect Gmail so I can mark your email as read.');
    expect(textOf(prompt.body)).toContain('Reconnect Gmail');
    const note = await h.slack.waitFor(isResponse(responseUrl));
    expect(textOf(note.body)).toMatch(/sent you a direct message with a link to connect Gmail/);
    expect(textOf(note.body)).not.toMatch(/went wrong/i);
    // Gmail refused the change: the email is still unread, and the summary was not replaced.
    expect(h.gmail.requests.filter((r) => r.path.endsWith('/batchModify')).length).toBeGreaterThan(0);
    expect(lunch.unread).toBe(true);
    expect(h.slack.responses.filter((r) => (r.body as { replace_original?: boolean }).replace_original === true)).toEqual([]);

    // The workspace admin adds gmail.modify to the connection; reconnecting runs the kept click.
    h.scalekit.setConnectionScopes('gmail', [GMAIL_READONLY, GMAIL_MODIFY]);
    expect((await h.connect(authorizationLinkIn(prompt))).status).toBe(200);
    await h.slack.waitFor(isDmTo(user, (text) => text.includes('Marked as read')));
    expect(lunch.unread).toBe(false);
  });
});

describe('a Scalekit account in EXPIRED status', () => {
  it('answers /unread with a reconnect prompt in the DM, then finishes the request once reconnected', async () => {
    const user = 'U0SKEXP';
    h.scalekit.setConnectionScopes('gmail', [GMAIL_MODIFY]);
    h.scalekit.setAccount('gmail', h.identifierOf(user), { status: 'EXPIRED', accessToken: 'ya29.expired-grant', expiresAt: new Date(Date.now() - 3_600_000) });
    h.gmail.allowToken('ya29.expired-grant');
    const sent = await h.unread(user);
    expect(sent.status).toBe(200);
    const prompt = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect(String(prompt.body.text)).toBe('Please reconnect Gmail so I can show your unread email.');
    expect(textOf(prompt.body)).toContain('Reconnect Gmail');
    const notice = await h.answerOf(sent);
    expect(textOf(notice.body)).toMatch(/sent you a direct message/);
    // Nothing was read with the expired grant.
    expect(h.gmail.requests).toEqual([]);

    expect((await h.connect(authorizationLinkIn(prompt))).status).toBe(200);
    expect(h.scalekit.getAccount('gmail', h.identifierOf(user))?.status).toBe('ACTIVE');
    const summary = await h.slack.waitFor(isDmTo(user, (text) => text.includes('Lunch?')));
    expect(summary.body).toMatchObject({ channel: `D${user}` });
  });
});
