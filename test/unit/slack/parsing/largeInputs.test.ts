/**
 * Every parser on inputs far beyond the bound the Slack layer enforces (boundUserText): each must
 * still give the right answer, in time linear in its input. Old code built every title/when split
 * (a 40,000-character "meeting a a a …" ran out of heap) or scanned from every `<!here|` to the end.
 * No timings asserted: a quadratic parser makes these runs time out instead.
 */
import { describe, expect, it } from 'vitest';
import { parseWhen, tokenize } from '../../../../src/actions/calendar/whenParser.ts';
import { alertText, parseAlertArgs } from '../../../../src/slack/parsing/alertArgs.ts';
import { parseEventArgs, splitEventText } from '../../../../src/slack/parsing/eventArgs.ts';
import { parseIntent } from '../../../../src/slack/parsing/intent.ts';
import { parseMention } from '../../../../src/slack/parsing/mentionIntent.ts';
import { parseUnreadArgs } from '../../../../src/slack/parsing/unreadArgs.ts';

const CONTEXT = { now: new Date('2026-03-27T09:00:00Z'), timeZone: 'Europe/Berlin' };
const MANY_WORDS = 'a '.repeat(20_000).trim(); // 40,000 characters, 20,000 words

describe('parsers on large input', () => {
  it('event: a 40,000-character title without a when is refused as having no date', () => {
    const result = splitEventText(`meeting ${MANY_WORDS}`, CONTEXT);
    expect(result).toMatchObject({ ok: false, problem: expect.stringMatching(/couldn't find a date or time/) });
  });

  it('event: a when after 20,000 words is still found, and the title is too long', () => {
    expect(parseEventArgs(`${MANY_WORDS} tomorrow at 3pm`, CONTEXT)).toEqual({ ok: false, problem: expect.stringMatching(/title is too long/) });
  });

  it('event: a when before 20,000 words is found too', () => {
    const result = splitEventText(`tomorrow at 3pm ${'x'.repeat(200)}`, CONTEXT);
    expect(result).toMatchObject({ ok: true, title: 'x'.repeat(200), whenText: 'tomorrow at 3pm' });
  });

  it('mention: "meeting a a a …" of 40,000 characters is an event without a readable date', () => {
    expect(parseIntent(`<@U0BOT> meeting ${MANY_WORDS}`, CONTEXT)).toMatchObject({ kind: 'unclear', about: 'event' });
  });

  it('alert text: 40,000 characters of an unclosed `<!here|` are kept as text, not as a broadcast', () => {
    const text = alertText('<!here|'.repeat(6_000));
    expect(text.startsWith('<!here|<!here|')).toBe(true);
    expect(text.length).toBe(42_000);
  });

  it('/alert: 40,000 characters of `<!here|` are refused as too long', () => {
    expect(parseAlertArgs(`#ops ${'<!here|'.repeat(6_000)}`)).toMatchObject({ ok: false, problem: expect.stringMatching(/2000 at most/) });
  });

  it('mention: unclosed user mentions and trailing punctuation runs are read as words', () => {
    expect(parseMention(`unread ${'<@U1|'.repeat(8_000)}`)).toMatchObject({ kind: 'unread' });
    expect(parseMention(`unread from:${'!'.repeat(40_000)}x`)).toMatchObject({ kind: 'unread', search: undefined });
    expect(parseIntent(`alert the team: ${'!'.repeat(40_000)}x`, CONTEXT)).toMatchObject({ kind: 'unclear', about: 'alert' });
  });

  it('when: 40,000 characters of brackets and full stops read as one unreadable word', () => {
    expect(tokenize(`${'('.repeat(20_000)}x${')'.repeat(20_000)}.`)).toEqual(['x']);
    expect(parseWhen(`${'.'.repeat(40_000)}x`, CONTEXT)).toMatchObject({ ok: false, unreadable: true });
  });

  it('/unread: a 40,000-character search is refused as too long', () => {
    expect(parseUnreadArgs(`3 ${'from:x '.repeat(6_000)}`)).toMatchObject({ ok: false, problem: expect.stringMatching(/too long/) });
  });
});
