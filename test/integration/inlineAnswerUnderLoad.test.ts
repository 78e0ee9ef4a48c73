/**
 * Inline answers give way under load, through the real bot: a few /unread at once still come back
 * inside their acks, but when more are in flight than the gate allows (DEFAULT_INLINE_MAX_IN_FLIGHT),
 * every one is acknowledged empty, at once, and answered on its response_url, although each answer
 * alone would have been ready well before INLINE_ANSWER_MS.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_INLINE_MAX_IN_FLIGHT } from '../../src/slack/listeners/commands/unread.ts';
import { startHarness, type Harness } from '../helpers/botHarness.ts';

let h: Harness;
const users = Array.from({ length: DEFAULT_INLINE_MAX_IN_FLIGHT + 4 }, (_, i) => `U0LOAD${i}`);

beforeAll(async () => {
  // A long deadline: an ack that waited for its answer would carry it.
  h = await startHarness({ INLINE_ANSWER_MS: '2500' });
  for (const user of users) h.activate(user);
  for (const user of users) await h.unread(user); // warm tokens and connections
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.slack.reset();
  h.gmail.reset();
  h.gmail.addMessage({ from: 'Ann <ann@example.com>', subject: 'Load status', date: new Date(), snippet: 'all good' });
  // Long enough that commands sent together are all in flight together; far inside the deadline.
  h.gmail.setDelay(300);
});

describe('inline answers under load', () => {
  it('a few commands at once: each answer comes inside its ack', async () => {
    const few = users.slice(0, Math.min(3, DEFAULT_INLINE_MAX_IN_FLIGHT));
    const sent = await Promise.all(few.map((user) => h.unread(user)));
    for (const one of sent) {
      expect(one.status).toBe(200);
      expect(one.body).toContain('Load status');
    }
    expect(h.slack.responses).toEqual([]);
  });

  it('more than the gate allows: every ack is empty and every answer goes to the response_url', async () => {
    const sent = await Promise.all(users.map((user) => h.unread(user)));
    for (const one of sent) {
      expect(one.status).toBe(200);
      expect(one.body).toBe('');
    }
    const answers = await Promise.all(sent.map((one) => h.answerOf(one, 20_000)));
    for (const answer of answers) {
      expect(answer.where).toBe('response_url');
      expect(JSON.stringify(answer.body)).toContain('Load status');
    }
  });

  it('once the burst is over, a command alone is answered inside its ack again', async () => {
    const sent = await h.unread(users[0]!);
    expect(sent.body).toContain('Load status');
  });
});
