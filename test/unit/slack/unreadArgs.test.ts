import { describe, expect, it } from 'vitest';
import { parseUnreadArgs } from '../../../src/slack/parsing/unreadArgs.ts';

describe('parseUnreadArgs', () => {
  it.each([
    ['', 5, undefined],
    ['   ', 5, undefined],
    ['10', 10, undefined],
    ['1', 1, undefined],
    ['25', 25, undefined],
    ['05', 5, undefined],
    ['3 from:alice', 3, 'from:alice'],
    ['  3   from:alice   is:starred ', 3, 'from:alice is:starred'],
    ['from:bob', 5, 'from:bob'],
    ['-from:spam@example.com', 5, '-from:spam@example.com'],
    ['subject:"quarterly report"', 5, 'subject:"quarterly report"'],
    // Slack sends &, <, > encoded; links (with escaping on) as <mailto:…|…>.
    ['2 from:a&amp;b &lt;x&gt;', 2, 'from:a&b <x>'],
    ['from:<mailto:alice@example.com|alice@example.com>', 5, 'from:alice@example.com'],
    ['4 hello\u0000\u202E world\nagain', 4, 'hello world again'],
  ])('%j → %d, %j', (text, count, search) => {
    expect(parseUnreadArgs(text)).toEqual({ ok: true, count, search });
  });

  it.each(['0', '26', '-3', '1000', '2.5', '10x', '+5', '1,000', '99999999999999999999 from:x'])('refuses %j', (text) => {
    const parsed = parseUnreadArgs(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(/1 to 25/);
  });

  it('refuses a search over 500 characters', () => {
    expect(parseUnreadArgs(`3 ${'a'.repeat(500)}`)).toEqual({ ok: true, count: 3, search: 'a'.repeat(500) });
    expect(parseUnreadArgs(`3 ${'a'.repeat(501)}`)).toMatchObject({ ok: false, problem: expect.stringMatching(/500/) });
  });

  it('quotes at most a short piece of what was typed', () => {
    const parsed = parseUnreadArgs(`1${'x'.repeat(1000)}`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem.length).toBeLessThan(120);
  });
});
