/** A mention asking for mail on a schedule is read as a digest; other mentions are left alone. */
import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../../../src/slack/parsing/intent.ts';

const context = { now: new Date('2026-12-01T12:00:00Z'), timeZone: 'Europe/Berlin' };

describe('a digest asked for by mention', () => {
  it.each([
    ['<@U0BOT> send me my unread mail every morning at 9', { kind: 'digest', cron: '0 9 * * *', count: 5, search: undefined }],
    ['<@U0BOT> DM me my 3 newest emails from:boss every weekday at 8:30', { kind: 'digest', cron: '30 8 * * 1-5', count: 3, search: 'from:boss' }],
    ['<@U0BOT> my inbox on mondays at 9am please', { kind: 'digest', cron: '0 9 * * 1', count: 5, search: undefined }],
  ])('reads “%s”', (text, expected) => {
    expect(parseIntent(text, context)).toEqual(expected);
  });

  it('asks for a time when none is given', () => {
    expect(parseIntent('<@U0BOT> send me my unread mail every morning', context)).toMatchObject({ kind: 'unclear', about: 'digest' });
  });

  it.each([
    ['<@U0BOT> show me every unread email', 'unread'],
    ['<@U0BOT> any unread mail from alice?', 'unread'],
    ['<@U0BOT> send an alert to my team: mail server down every day at 9', 'alert'],
  ])('leaves “%s” to the other readings', (text, kind) => {
    expect(parseIntent(text, context).kind).toBe(kind);
  });
});
