import type { ActionsBlock, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { EmailSummary } from '../../../../src/connectors/gmail/types.ts';
import { addUnreadActions, markedAsRead, parseShowMoreValue, type SummaryPage, parseMarkReadValue } from '../../../../src/slack/blocks/unreadSummaryActions.ts';
import { buildUnreadSummary } from '../../../../src/slack/blocks/unreadSummary.ts';
import { checkBlocks } from '../../../standins/slackApi.ts';

function email(n: number): EmailSummary {
  const id = `18c${n.toString(16).padStart(13, '0')}`;
  return { id, threadId: id, from: `Sender ${n}`, subject: `Subject ${n}`, receivedAt: new Date(Date.UTC(2026, 2, 1, 12, 60 - n)), snippet: `Snippet ${n}` };
}

function withActions(count: number, page: Partial<SummaryPage> = {}, estimate = count) {
  const emails = Array.from({ length: count }, (_, i) => email(i + 1));
  const summary = buildUnreadSummary({ result: { mailbox: 'me@example.com', emails, totalEstimate: estimate }, requested: page.count ?? count });
  return addUnreadActions(summary, emails, { count, ...page });
}

const buttonsOf = (blocks: KnownBlock[]) => blocks.flatMap((b) => (b.type === 'actions' ? (b as ActionsBlock).elements : [])) as Array<{ action_id: string; value?: string; url?: string }>;

describe('addUnreadActions', () => {
  it('puts Open in Gmail and Mark as read under each email, in place of the dividers', () => {
    const { blocks } = withActions(2, { nextPageToken: '0987' });
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'section', 'actions', 'actions']);
    expect((blocks[1] as { accessory?: unknown }).accessory).toBeUndefined();
    expect(buttonsOf(blocks).map((b) => b.action_id)).toEqual([
      'open_in_gmail:18c0000000000001', 'mark_read:18c0000000000001',
      'open_in_gmail:18c0000000000002', 'mark_read:18c0000000000002',
      'unread_show_more',
    ]);
    expect(parseMarkReadValue(buttonsOf(blocks)[1]?.value ?? '')).toEqual({ id: '18c0000000000001', page: { c: 2 } });
    expect(parseShowMoreValue(buttonsOf(blocks)[4]!.value!)).toEqual({ c: 2, p: '0987' });
  });

  it('fits 25 emails into 50 blocks by showing 23 and continuing on the same page with "Show more"', () => {
    const { blocks } = withActions(25, { search: 'from:alice', pageToken: 'p1', skip: 0, nextPageToken: 'p2' }, 100);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(checkBlocks(blocks)).toEqual([]);
    expect(buttonsOf(blocks).filter((b) => b.action_id.startsWith('mark_read:'))).toHaveLength(23);
    expect(JSON.stringify(blocks)).toContain('2 more unread emails are not shown');
    const more = buttonsOf(blocks).at(-1)!;
    expect(parseShowMoreValue(more.value!)).toEqual({ c: 25, s: 'from:alice', p: 'p1', k: 23 });
  });

  it('keeps the summary\'s own note, and has no "Show more" on the last page', () => {
    const { blocks } = withActions(3, {}, 9);
    expect(blocks.at(-1)).toMatchObject({ type: 'context' });
    expect(buttonsOf(blocks).some((b) => b.action_id === 'unread_show_more')).toBe(false);
  });

  it('leaves the "no unread email" message alone', () => {
    const empty = buildUnreadSummary({ result: { mailbox: undefined, emails: [], totalEstimate: 0 }, requested: 5 });
    expect(addUnreadActions(empty, [], { count: 5 })).toEqual(empty);
  });

  it('keeps action_ids unique and short whatever the ids', () => {
    const long = { ...email(1), id: 'a'.repeat(400) };
    const emails = [long, { ...long }];
    const summary = buildUnreadSummary({ result: { mailbox: undefined, emails, totalEstimate: 2 }, requested: 2 });
    const ids = buttonsOf(addUnreadActions(summary, emails, { count: 2 }).blocks).map((b) => b.action_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(255);
  });
});

describe('parseShowMoreValue', () => {
  it('refuses values that are not ours', () => {
    expect(parseShowMoreValue('not json')).toBeUndefined();
    expect(parseShowMoreValue('{"c":100}')).toBeUndefined();
    expect(parseShowMoreValue('{"c":5,"p":"../../x"}')).toBeUndefined();
    expect(parseShowMoreValue('{"c":5,"k":3}')).toEqual({ c: 5, k: 3 });
  });
});

describe('markedAsRead', () => {
  it('removes that email\'s button and marks it read, leaving the rest', () => {
    const { blocks } = withActions(2);
    const after = markedAsRead(blocks, '18c0000000000001');
    expect(buttonsOf(after).map((b) => b.action_id)).toEqual(['open_in_gmail:18c0000000000001', 'open_in_gmail:18c0000000000002', 'mark_read:18c0000000000002']);
    expect(JSON.stringify(after[1])).toContain('Marked as read');
    expect(markedAsRead(blocks, 'nope')).toEqual(blocks);
    expect(blocks).toEqual(withActions(2).blocks); // the input is not changed
  });
});
