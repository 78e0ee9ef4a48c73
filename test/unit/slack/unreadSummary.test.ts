import { describe, expect, it } from 'vitest';
import type { EmailSummary, UnreadResult } from '../../../src/connectors/gmail/types.ts';
import { buildUnreadSummary, gmailUrl } from '../../../src/slack/blocks/unreadSummary.ts';
import { checkBlocks } from '../../standins/slackApi.ts';
import { textObjects } from './blockWalk.ts';

function email(n: number, overrides: Partial<EmailSummary> = {}): EmailSummary {
  return {
    id: `18c${n.toString(16).padStart(13, '0')}`,
    threadId: `18c${n.toString(16).padStart(13, '0')}`,
    from: `Sender ${n} <sender${n}@example.com>`,
    subject: `Subject ${n}`,
    receivedAt: new Date(Date.UTC(2026, 2, 1, 12, n)),
    snippet: `Snippet ${n}`,
    ...overrides,
  };
}

function result(emails: EmailSummary[], overrides: Partial<UnreadResult> = {}): UnreadResult {
  return { mailbox: 'me@example.com', emails, totalEstimate: emails.length, ...overrides };
}

const sections = (blocks: unknown[]) => blocks.filter((b) => (b as { type: string }).type === 'section') as Array<{
  text: { text: string };
  accessory?: { url: string; action_id: string; text: { text: string } };
}>;

describe('buildUnreadSummary', () => {
  it('shows a header, one section per email with a Gmail button, and dividers between', () => {
    const { text, blocks } = buildUnreadSummary({ result: result([email(1), email(2)]), requested: 2 });
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'divider', 'section']);
    expect(blocks[0]).toMatchObject({ text: { type: 'plain_text', text: 'Your 2 newest unread emails' } });
    const [first] = sections(blocks);
    expect(first?.text.text).toContain('*Sender 1 &lt;sender1@example.com&gt;*');
    expect(first?.text.text).toContain('<!date^');
    expect(first?.text.text).toContain('Subject 1');
    expect(first?.accessory?.url).toBe('https://mail.google.com/mail/?authuser=me%40example.com#all/18c0000000000001');
    expect(first?.accessory?.action_id).toBe('open_in_gmail:18c0000000000001');
    expect(text).toBe('Your 2 newest unread emails: Sender 1 &lt;sender1@example.com&gt; — Subject 1; Sender 2 &lt;sender2@example.com&gt; — Subject 2');
  });

  it('words the header for fewer than asked, one email, and a search shown as typed', () => {
    const fewer = buildUnreadSummary({ result: result([email(1), email(2)]), requested: 5 });
    expect(fewer.blocks[0]).toMatchObject({ text: { text: 'You have 2 unread emails' } });
    const one = buildUnreadSummary({ result: result([email(1)]), requested: 1, search: 'from:a&b' });
    expect(one.blocks[0]).toMatchObject({ text: { text: 'Your newest unread email matching “from:a&b”' } });
    expect(one.text).toContain('matching “from:a&amp;b”');
  });

  it('uses the u/0 link when the mailbox is unknown', () => {
    expect(gmailUrl('abc', undefined)).toBe('https://mail.google.com/mail/u/0/#all/abc');
    expect(gmailUrl('a/b#c', 'x+y@example.com')).toBe('https://mail.google.com/mail/?authuser=x%2By%40example.com#all/a%2Fb%23c');
  });

  it('says so kindly when there is no unread email', () => {
    const empty = buildUnreadSummary({ result: result([]), requested: 5 });
    expect(empty.text).toBe('No unread email :tada:');
    expect(empty.blocks).toHaveLength(1);
    const searched = buildUnreadSummary({ result: result([]), requested: 5, search: '<!channel> from:x' });
    expect(searched.text).toBe('No unread email matches “&lt;!channel&gt; from:x”.');
  });

  it('notes when Gmail knows of more than it showed', () => {
    const { blocks } = buildUnreadSummary({ result: result([email(1)], { totalEstimate: 40 }), requested: 1 });
    expect(blocks.at(-1)).toMatchObject({ type: 'context' });
    expect(JSON.stringify(blocks.at(-1))).toContain('Showing 1 of about 40 unread emails.');
  });

  it('fits 25 emails exactly: 50 blocks, dropping the "about N" note rather than an email', () => {
    const emails = Array.from({ length: 25 }, (_, i) => email(i));
    const { blocks } = buildUnreadSummary({ result: result(emails, { totalEstimate: 300 }), requested: 25 });
    expect(blocks).toHaveLength(50);
    expect(sections(blocks)).toHaveLength(25);
  });

  it('stays inside Block Kit limits with 100 emails of huge, hostile text', () => {
    const huge = (n: number) =>
      email(n, {
        id: 'i'.repeat(5000),
        from: `<!channel> ${'&'.repeat(5000)} 😀`.repeat(2),
        subject: `${'😀'.repeat(5000)}<@U123>`.repeat(2),
        snippet: `${'<https://evil.example|bank>'.repeat(500)}\u202E`,
      });
    const { text, blocks } = buildUnreadSummary({
      result: result(Array.from({ length: 100 }, (_, i) => huge(i)), { mailbox: 'm'.repeat(5000) }),
      requested: 25,
      search: `${'s'.repeat(1000)}😀`,
    });
    expect(checkBlocks(blocks)).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(sections(blocks).length).toBe(24);
    expect(JSON.stringify(blocks.at(-1))).toContain('76 more unread emails were left out');
    expect(text.length).toBeLessThanOrEqual(3000);
    for (const object of textObjects(blocks)) {
      expect(object.text.length).toBeLessThanOrEqual(3000);
      expect(object.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(object.text).not.toMatch(/<!channel>|<@U123>|<https:|\u202E/);
    }
    const header = blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    // An id too long for any valid link gets no button rather than a broken one.
    expect(sections(blocks).every((s) => s.accessory === undefined)).toBe(true);
  });

  it('keeps the button inside its limits with a huge mailbox name', () => {
    const { blocks } = buildUnreadSummary({ result: result([email(1, { id: 'x'.repeat(240) })], { mailbox: 'm'.repeat(5000) }), requested: 1 });
    const button = sections(blocks)[0]?.accessory;
    expect(button?.url).toBe(`https://mail.google.com/mail/u/0/#all/${'x'.repeat(240)}`);
    expect(button?.action_id.length).toBeLessThanOrEqual(255);
    expect(checkBlocks(blocks)).toEqual([]);
  });

  it('keeps action_ids unique when Gmail ids repeat', () => {
    const { blocks } = buildUnreadSummary({ result: result([email(1), email(1), email(1)]), requested: 3 });
    const ids = sections(blocks).map((s) => s.accessory?.action_id);
    expect(new Set(ids).size).toBe(3);
  });
});
