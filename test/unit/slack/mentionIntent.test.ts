import { describe, expect, it } from 'vitest';
import { parseMention } from '../../../src/slack/parsing/mentionIntent.ts';

describe('parseMention', () => {
  it.each([
    ['<@U0BOT> show me last 5 unread emails', 5, undefined],
    ['<@U0BOT> show me my last 5 unread emails', 5, undefined],
    ['<@U0BOT|unreadbot> any unread mail?', 5, undefined],
    ['last three unread', 3, undefined],
    ['unread', 5, undefined],
    ["what's new in my inbox", 5, undefined],
    ['what’s new in my inbox?', 5, undefined],
    ['check my email', 5, undefined],
    ['<@U0BOT> last ten unread emails from alice', 10, 'from:alice'],
    ['unread from:bob', 5, 'from:bob'],
    ['unread from <mailto:bob@example.com|bob@example.com>', 5, 'from:bob@example.com'],
    ['any unread emails from my boss?', 5, undefined],
    ['show me twenty-five unread emails', 25, undefined],
    ['last twenty one unread', 21, undefined],
    ['give me a dozen unread emails', 12, undefined],
    ['my last unread email', 1, undefined],
    ['show 2 unread is:starred -from:news@example.com', 2, 'is:starred -from:news@example.com'],
    ['<@U0BOT> <@U0BOT> 7 unread', 7, undefined],
    ['Show Me 4 UNREAD Emails From Carol', 4, 'from:Carol'],
    // Out-of-range counts are clamped, never refused: 25 at most, 1 at least.
    ['last 100 unread emails', 25, undefined],
    ['last fifty unread emails', 25, undefined],
    ['show me a hundred unread emails', 25, undefined],
    ['show 0 unread', 1, undefined],
  ])('%j → %d, %j', (text, count, search) => {
    expect(parseMention(text)).toEqual({ kind: 'unread', count, search });
  });

  it('keeps the search to whole terms within 500 characters', () => {
    const long = Array.from({ length: 100 }, (_, i) => `from:person${i}@example.com`).join(' ');
    const intent = parseMention(`unread ${long}`);
    expect(intent.kind === 'unread' && intent.search).toMatch(/^from:person0@example\.com .*\.com$/);
    if (intent.kind === 'unread') expect(intent.search?.length).toBeLessThanOrEqual(500);
  });

  it.each([
    '',
    '<@U0BOT>',
    'help',
    '<@U0BOT> help',
    'hi',
    'hello there!',
    'what time is the meeting?',
    'I left that book unread on the shelf for years',
  ])('%j → help', (text) => {
    expect(parseMention(text)).toEqual({ kind: 'help' });
  });
});
