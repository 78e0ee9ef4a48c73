import { describe, expect, it } from 'vitest';
import {
  decodeSlackText,
  escapeMrkdwn,
  escapeTruncated,
  oneLine,
  slackDate,
  stripUnsafeChars,
  truncate,
} from '../../../src/slack/text/mrkdwn.ts';

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here> and <!everyone>', '&lt;!here&gt; and &lt;!everyone&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<https://evil.example|your bank>', '&lt;https://evil.example|your bank&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['&lt; already', '&amp;lt; already'],
    ['*bold* _it_ ~s~ `c` @channel', '*bold* _it_ ~s~ `c` @channel'],
  ])('%s', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe('truncate', () => {
  it('leaves short text alone', () => {
    expect(truncate('hello', 5)).toBe('hello');
  });

  it('cuts and ends with an ellipsis within the limit', () => {
    const cut = truncate('x'.repeat(10_000), 3000);
    expect(cut).toHaveLength(3000);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair or an emoji cluster', () => {
    const text = '😀'.repeat(100);
    for (let max = 1; max < 30; max++) {
      const cut = truncate(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(cut.replace('…', '')).toMatch(/^(😀)*$/u);
    }
    const family = '👨‍👩‍👧‍👦'; // 11 code units, one grapheme
    expect(truncate(`ab${family}cd`, 12)).toBe('ab…');
    expect(truncate('👍🏽👍🏽👍🏽', 5)).toBe('👍🏽…');
  });

  it('cuts a single oversized cluster between code points, not inside one', () => {
    const zalgo = `e${'\u0301'.repeat(5000)}`;
    const cut = truncate(zalgo, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.startsWith('e\u0301')).toBe(true);
  });
});

describe('escapeTruncated', () => {
  it('keeps the escaped result within the limit and never splits an entity', () => {
    const cut = escapeTruncated('&'.repeat(1000), 23);
    expect(cut.length).toBeLessThanOrEqual(23);
    expect(cut).toBe(`${'&amp;'.repeat(4)}…`);
  });
});

describe('stripUnsafeChars and oneLine', () => {
  it('removes control and bidi override characters but keeps newlines and tabs', () => {
    expect(stripUnsafeChars('a\u0000b\u0007c\u001Bd\u009Be\nf\tg')).toBe('abcde\nf\tg');
    expect(stripUnsafeChars('invoice\u202Efdp.exe\u2066x\u2069')).toBe('invoicefdp.exex');
  });

  it('replaces lone surrogates', () => {
    expect(stripUnsafeChars('a\uD800b')).toBe('a\uFFFDb');
  });

  it('collapses whitespace to one line', () => {
    expect(oneLine('  Re:\r\n  lunch\t today  ')).toBe('Re: lunch today');
  });
});

describe('decodeSlackText', () => {
  it('decodes entities and unwraps links as the user saw them', () => {
    expect(decodeSlackText('a &amp; b &lt;c&gt;')).toBe('a & b <c>');
    expect(decodeSlackText('&amp;lt;')).toBe('&lt;');
    expect(decodeSlackText('from:<mailto:alice@example.com|alice@example.com>')).toBe('from:alice@example.com');
    expect(decodeSlackText('<https://example.com>')).toBe('https://example.com');
  });
});

describe('slackDate', () => {
  it('builds a date token shown in the viewer\'s time zone with a UTC fallback', () => {
    const date = new Date('2026-03-01T14:05:30Z');
    expect(slackDate(date)).toBe('<!date^1772373930^{date_short_pretty} at {time}|2026-03-01 14:05 UTC>');
    expect(slackDate(date, 'a <b> | c')).toContain('|a &lt;b&gt; / c>');
  });

  it('shows the fallback for an invalid date', () => {
    expect(slackDate(new Date('nope'))).toBe('unknown date');
  });
});
