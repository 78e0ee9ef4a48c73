/** Steps the built-in agent-auth integration tests share: matching Slack arrivals, a mailbox, connecting a user. */
import { expect } from 'vitest';
import type { GmailStandin } from '../standins/gmailStandin.ts';
import type { Arrival, RecordedCall, RecordedResponse } from '../standins/slackApi.ts';
import { authorizationLinkIn } from './botHarness.ts';
import type { LocalHarness } from './localHarness.ts';
import { commandAnswer } from './slackRequests.ts';

export const isCall = (method: string, match: (c: RecordedCall) => boolean = () => true) =>
  (a: Arrival): a is RecordedCall => a.kind === 'call' && a.method === method && match(a);
export const isResponse = (url: string) => (a: Arrival): a is RecordedResponse => a.kind === 'response' && url.endsWith(a.path);
export const blocksText = (body: unknown) => JSON.stringify((body as { blocks?: unknown }).blocks ?? []);
export const isDmTo = (user: string, match: (text: string) => boolean = () => true) =>
  isCall('chat.postMessage', (c) => c.body.channel === `D${user}` && match(`${String(c.body.text)} ${blocksText(c.body)}`));

export function seedInbox(gmail: GmailStandin): void {
  const base = Date.now();
  gmail.addMessage({ from: 'Bob <bob@example.com>', subject: 'Lunch?', date: new Date(base - 60_000), snippet: 'Are you free at noon?' });
  gmail.addMessage({ from: 'Carol <carol@example.com>', subject: 'Read already', date: new Date(base - 30_000), snippet: 'old', unread: false });
}

/** `/unread` from a user who must connect: returns the DM'd link (and checks the private note). */
export async function askAndGetLink(h: LocalHarness, user: string): Promise<string> {
  const sent = await h.unread(user);
  expect(sent.status).toBe(200);
  const dm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
  const notice = await commandAnswer(h.slack, sent);
  expect(JSON.stringify(notice.body)).toMatch(/direct message/i);
  return authorizationLinkIn(dm);
}

/** Connects a user from scratch and waits for their kept request to be answered in the DM. */
export async function connectUser(h: LocalHarness, user: string): Promise<void> {
  const link = await askAndGetLink(h, user);
  const page = await h.connect(link);
  expect(page.status).toBe(200);
  await h.slack.waitFor(isDmTo(user, (text) => text.includes('Lunch?')));
}

/** `/unread` from a connected user: the answer, inside the ack or through the response_url. */
export async function unreadAnswer(h: LocalHarness, user: string, timeoutMs?: number): Promise<string> {
  const sent = await h.unread(user);
  const answer = await commandAnswer(h.slack, sent, timeoutMs);
  return JSON.stringify(answer.body);
}
