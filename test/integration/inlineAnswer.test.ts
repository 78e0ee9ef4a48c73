/**
 * Answers inside the acknowledgement, through the real bot: a warm /unread comes back in the body
 * of the command's HTTP response with nothing posted to the response_url; when Gmail is slower than
 * INLINE_ANSWER_MS the ack is empty and the summary goes to the response_url as before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/botHarness.ts';

let h: Harness;
const USER = 'U0INLINE';

beforeAll(async () => {
  h = await startHarness({ INLINE_ANSWER_MS: '1000' });
  h.activate(USER);
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  h.gmail.addMessage({ from: 'Ann <ann@example.com>', subject: 'Inline status', date: new Date(), snippet: 'all good' });
});

describe('answers inside the acknowledgement', () => {
  it('a warm /unread: the summary is the body of the ack, nothing goes to the response_url', async () => {
    // Warms the token and the connections; its answer may come late (a cold token on a busy
    // machine), so it is waited for wherever it goes before the responses are cleared.
    await h.answerOf(await h.unread(USER), 20_000);
    h.slack.reset();
    const sent = await h.unread(USER);
    expect(sent.status).toBe(200);
    const ack = JSON.parse(sent.body) as { response_type: string; text: string; blocks?: unknown[] };
    expect(ack.response_type).toBe('ephemeral');
    expect(JSON.stringify(ack)).toContain('Inline status');
    // The runner logs 'action answered' after the answer went out: by then any post would have been made.
    await expect.poll(() => h.logs.lines.filter((l) => l.includes('action answered') && l.includes(USER)).length, { timeout: 10_000 }).toBe(2);
    expect(h.slack.responses.filter((r) => sent.responseUrl.endsWith(r.path))).toEqual([]);
    expect(h.slack.responses).toEqual([]);
  });

  it('a slow Gmail: an empty ack at the deadline, the summary on the response_url', async () => {
    h.gmail.setDelay(1_600);
    const sent = await h.unread(USER);
    expect(sent.status).toBe(200);
    expect(sent.body).toBe('');
    const answer = await h.answerOf(sent, 20_000);
    expect(answer.where).toBe('response_url');
    expect(JSON.stringify(answer.body)).toContain('Inline status');
    h.gmail.setDelay(0);
  });
});
