/**
 * Channel lookups against the Slack stand-in, with a clock the test moves: an unknown name costs
 * one conversations.list per minute, not one per try (issue 20, finding 5); a known one is kept
 * longer; private-channel membership is read over every page and cached briefly.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_HIT_TTL_MS, CHANNEL_MISS_TTL_MS, MEMBERS_TTL_MS, SlackDirectory } from '../../../../src/slack/alerts/slackDirectory.ts';
import { startSlackApiStandin, type SlackApiStandin } from '../../../standins/slackApi.ts';
import { singleWorkspaceClients } from '../../../../src/slack/slackClients.ts';

const T1 = { teamId: 'T1' };

const TOKEN = 'xoxb-directory-test';
let slack: SlackApiStandin;
let clock: number;
let directory: SlackDirectory;
const listCalls = () => slack.calls.filter((c) => c.method === 'conversations.list').length;
const memberCalls = () => slack.calls.filter((c) => c.method === 'conversations.members').length;

beforeAll(async () => {
  slack = await startSlackApiStandin({ botToken: TOKEN });
});
afterAll(async () => {
  await slack?.close();
});
beforeEach(() => {
  slack.reset();
  clock = Date.parse('2026-03-27T09:00:00Z');
  directory = new SlackDirectory({ clients: singleWorkspaceClients(new WebClient(TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } })), now: () => new Date(clock) });
  slack.addChannel({ id: 'C0OPS', name: 'ops' });
});

describe('SlackDirectory channel lookups', () => {
  it('answers a second lookup of an unknown name from the cache within a minute, and asks again after', async () => {
    expect(await directory.channelIdForName(T1, 'nosuch')).toBeUndefined();
    expect(listCalls()).toBe(1);
    clock += CHANNEL_MISS_TTL_MS - 1_000;
    expect(await directory.channelIdForName(T1, 'nosuch')).toBeUndefined();
    expect(await directory.channelIdForName(T1, 'other-unknown')).toBeUndefined();
    expect(listCalls()).toBe(1);
    clock += 2_000;
    slack.addChannel({ id: 'C0NEW', name: 'nosuch' });
    expect(await directory.channelIdForName(T1, 'nosuch')).toBe('C0NEW');
    expect(listCalls()).toBe(2);
  });

  it('keeps a found name longer than a miss', async () => {
    expect(await directory.channelIdForName(T1, 'ops')).toBe('C0OPS');
    clock += CHANNEL_HIT_TTL_MS - 1_000;
    expect(await directory.channelIdForName(T1, 'ops')).toBe('C0OPS');
    expect(listCalls()).toBe(1);
    clock += 2_000;
    expect(await directory.channelIdForName(T1, 'ops')).toBe('C0OPS');
    expect(listCalls()).toBe(2);
  });

  it('shares one listing among concurrent lookups', async () => {
    const found = await Promise.all(['a', 'b', 'c', 'ops'].map((name) => directory.channelIdForName(T1, name)));
    expect(found).toEqual([undefined, undefined, undefined, 'C0OPS']);
    expect(listCalls()).toBe(1);
  });
});

describe('SlackDirectory private channel membership', () => {
  beforeEach(() => {
    slack.addChannel({ id: 'G0EXEC', name: 'exec', isPrivate: true });
    slack.setChannelMembers('G0EXEC', [...Array.from({ length: 1_500 }, (_, i) => `U0M${i}`), 'U0IN']);
  });

  it('lets members of a private channel post, reading every page, and nobody else', async () => {
    expect(await directory.mayPostAs(T1, 'G0EXEC', 'U0IN')).toBe(true);
    expect(memberCalls()).toBe(2);
    expect(await directory.mayPostAs(T1, 'G0EXEC', 'U0OUT')).toBe(false);
    expect(memberCalls()).toBe(2);
  });

  it('asks again once the membership is older than its cache', async () => {
    expect(await directory.mayPostAs(T1, 'G0EXEC', 'U0OUT')).toBe(false);
    slack.setChannelMembers('G0EXEC', ['U0OUT']);
    clock += MEMBERS_TTL_MS + 1;
    expect(await directory.mayPostAs(T1, 'G0EXEC', 'U0OUT')).toBe(true);
  });

  it('never asks about a public channel', async () => {
    expect(await directory.mayPostAs(T1, 'C0OPS', 'U0OUT')).toBe(true);
    expect(memberCalls()).toBe(0);
  });
});
