import { describe, expect, it } from 'vitest';
import {
  cleanSnippet,
  decodeEncodedWords,
  decodeHtmlEntities,
  newestFirst,
  parseAnswer,
  pickHeader,
  receivedAt,
  toEmailSummary,
  messageSchema,
} from '../../../src/connectors/gmail/messageFields.ts';

describe('pickHeader', () => {
  const headers = [
    { name: 'subject', value: 'first' },
    { name: 'SUBJECT', value: 'second' },
    { name: 'From', value: 'a@example.com' },
  ];

  it('compares names case-insensitively and takes the first of repeats', () => {
    expect(pickHeader(headers, 'Subject')).toBe('first');
    expect(pickHeader(headers, 'from')).toBe('a@example.com');
  });

  it('gives undefined for a missing header or no headers', () => {
    expect(pickHeader(headers, 'Date')).toBeUndefined();
    expect(pickHeader(undefined, 'Date')).toBeUndefined();
  });
});

describe('decodeEncodedWords', () => {
  it('decodes B and Q words in UTF-8, any case', () => {
    expect(decodeEncodedWords('=?UTF-8?B?R3LDvMOfZSDwn5GL?=')).toBe('Grüße 👋');
    expect(decodeEncodedWords('=?utf-8?q?Caf=C3=A9_au_lait?=')).toBe('Café au lait');
  });

  it('drops whitespace between adjacent encoded-words but keeps it around plain text', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?Hello?= =?UTF-8?Q?_world?= and =?UTF-8?Q?more?=')).toBe('Hello world and more');
  });

  it('joins a multi-byte character split across two words', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?caf=C3?=\r\n =?UTF-8?Q?=A9?=')).toBe('café');
  });

  it('decodes other charsets TextDecoder knows, with a RFC 2231 language', () => {
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Fran=E7ois?=')).toBe('François');
    expect(decodeEncodedWords('=?windows-1252?Q?=93quoted=94?=')).toBe('“quoted”');
    expect(decodeEncodedWords('=?shift_jis?B?k/qWe4zq?=')).toBe('日本語');
    expect(decodeEncodedWords('=?utf-8*en?Q?hi?=')).toBe('hi');
  });

  it('decodes inside a From header, quoted display name included', () => {
    expect(decodeEncodedWords('"=?UTF-8?B?TMOkc3QsIEbDrHJzdA==?=" <a@b.example>')).toBe('"Läst, Fìrst" <a@b.example>');
  });

  it('leaves unknown charsets, malformed words and plain text alone', () => {
    expect(decodeEncodedWords('=?x-unknown?Q?abc?= =?UTF-8?B?!!!?=')).toBe('=?x-unknown?Q?abc?= =?UTF-8?B?!!!?=');
    expect(decodeEncodedWords('=?UTF-8?Q?bad=ZZ?=')).toBe('=?UTF-8?Q?bad=ZZ?=');
    expect(decodeEncodedWords('Already decoded: Grüße')).toBe('Already decoded: Grüße');
  });
});

describe('decodeHtmlEntities', () => {
  it('decodes the named entities Gmail uses and numeric ones', () => {
    expect(decodeHtmlEntities('&amp; &lt; &gt; &quot; &#39; &apos; &#8364; &#x20AC; &#X1F600;')).toBe(`& < > " ' ' € € 😀`);
  });

  it('decodes every entity HTML5 names, not only the few Gmail uses most', () => {
    expect(decodeHtmlEntities('caf&eacute; &hellip; &rsquo;n&rsquo; &mdash; &euro;5 &copy; &NotEqualTilde;')).toBe('café … ’n’ — €5 © ≂̸');
    // Without its semicolon an entity is plain text: "AT&T&copy" is not rewritten.
    expect(decodeHtmlEntities('AT&T &copy 2026')).toBe('AT&T &copy 2026');
  });

  it('decodes once: an escaped entity stays an entity', () => {
    expect(decodeHtmlEntities('&amp;lt;b&amp;gt;')).toBe('&lt;b&gt;');
  });

  it('leaves unknown entities and bare ampersands, and replaces impossible code points', () => {
    expect(decodeHtmlEntities('Tom & Jerry &copy2 &nosuch;')).toBe('Tom & Jerry &copy2 &nosuch;');
    expect(decodeHtmlEntities('&#0;&#xD800;&#x110000;')).toBe('\ufffd\ufffd\ufffd');
  });
});

describe('cleanSnippet', () => {
  it('removes runs of zero-width padding and collapses the spaces left behind', () => {
    const padded = 'Big sale today \u034f \u200c \u034f \u200c \u034f\u200b\u200d\u2060\ufeff\u00ad end';
    expect(cleanSnippet(padded)).toBe('Big sale today end');
  });

  it('removes padding written as entities too', () => {
    expect(cleanSnippet('Hi&nbsp;there &#847; &zwnj; &#8203;&#8203; you&#39;re in')).toBe("Hi there you're in");
  });

  it('keeps the joiner inside an emoji sequence', () => {
    expect(cleanSnippet('dev 👩\u200d💻 and 👍🏽\u200d done')).toBe('dev 👩\u200d💻 and 👍🏽 done');
  });
});

describe('receivedAt', () => {
  it('prefers internalDate, then the Date header, then the epoch', () => {
    expect(receivedAt('1751371200000', 'Mon, 1 Jan 2001 00:00:00 +0000').toISOString()).toBe('2025-07-01T12:00:00.000Z');
    expect(receivedAt(undefined, 'Tue, 1 Jul 2025 14:00:00 +0200 (CEST)').toISOString()).toBe('2025-07-01T12:00:00.000Z');
    expect(receivedAt('not-a-number', 'garbage').getTime()).toBe(0);
    expect(receivedAt(undefined, undefined).getTime()).toBe(0);
  });
});

describe('toEmailSummary', () => {
  it('builds a summary from a metadata answer', () => {
    const summary = toEmailSummary({
      id: 'm1',
      threadId: 't1',
      snippet: 'Don&#39;t miss \u200b\u200b it',
      internalDate: '1751371200000',
      payload: {
        headers: [
          { name: 'subject', value: '=?UTF-8?Q?R=C3=A9union?=' },
          { name: 'FROM', value: 'Zoë <zoe@example.com>' },
          { name: 'Subject', value: 'ignored repeat' },
        ],
      },
    });
    expect(summary).toEqual({
      id: 'm1',
      threadId: 't1',
      from: 'Zoë <zoe@example.com>',
      subject: 'Réunion',
      receivedAt: new Date('2025-07-01T12:00:00.000Z'),
      snippet: "Don't miss it",
    });
  });

  it('copes with no payload, no snippet and no threadId', () => {
    expect(toEmailSummary({ id: 'm2' })).toEqual({
      id: 'm2',
      threadId: 'm2',
      from: '',
      subject: '',
      receivedAt: new Date(0),
      snippet: '',
    });
  });
});

describe('newestFirst', () => {
  it('sorts by receivedAt, newest first, keeping order on ties', () => {
    const email = (id: string, ms: number) => toEmailSummary({ id, internalDate: String(ms) });
    expect(newestFirst([email('a', 1), email('b', 3), email('c', 2), email('d', 3)]).map((e) => e.id)).toEqual(['b', 'd', 'c', 'a']);
  });
});

describe('parseAnswer', () => {
  it('refuses bad JSON or the wrong shape without quoting it', () => {
    for (const text of ['{not json', '{"id": 5}', '']) {
      expect(() => parseAnswer(messageSchema, text, 'reading a message')).toThrow('Gmail: reading a message got an unreadable answer');
    }
  });
});
