/** Follow-ups read against the emails an agent conversation just showed: by position, by sender, all, more. */
import { describe, expect, it } from 'vitest';
import { parseFollowUp, pickEmails } from '../../../../src/slack/parsing/followUpIntent.ts';

const shown = [
  { id: 'a', from: 'Alice Smith <alice@example.com>' },
  { id: 'b', from: 'Bob <bob@example.com>' },
  { id: 'c', from: 'alice@other.example' },
];

describe('parseFollowUp', () => {
  it.each([
    ['mark the second one as read', { kind: 'mark_read', pick: { by: 'position', index: 2 } }],
    ['Mark #3 as read', { kind: 'mark_read', pick: { by: 'position', index: 3 } }],
    ['mark number 1 read', { kind: 'mark_read', pick: { by: 'position', index: 1 } }],
    ['please mark the last one as read', { kind: 'mark_read', pick: { by: 'last' } }],
    ['mark them all as read', { kind: 'mark_read', pick: { by: 'all' } }],
    ['mark the one from Bob as read', { kind: 'mark_read', pick: { by: 'sender', name: 'bob' } }],
    ['show me more', { kind: 'more' }],
    ['more', { kind: 'more' }],
    ['Show me the next ones please', { kind: 'more' }],
    ['open the one from Alice', { kind: 'open', pick: { by: 'sender', name: 'alice' } }],
    ['open the first', { kind: 'open', pick: { by: 'position', index: 1 } }],
    ["show me Bob's", { kind: 'open', pick: { by: 'sender', name: 'bob' } }],
    ['What did Bob want?', { kind: 'open', pick: { by: 'sender', name: 'bob' } }],
    ['reply to Alice: Thursday works for me', { kind: 'reply', pick: { by: 'sender', name: 'alice' }, text: 'Thursday works for me' }],
    ['Reply to the second one saying Sounds good!\nSee you', { kind: 'reply', pick: { by: 'position', index: 2 }, text: 'Sounds good!\nSee you' }],
    ['reply to the one from Bob: No, thanks', { kind: 'reply', pick: { by: 'sender', name: 'bob' }, text: 'No, thanks' }],
  ])('reads %j', (text, expected) => {
    expect(parseFollowUp(text)).toEqual(expected);
  });

  it.each(['show me my last 5 unread emails', 'any unread mail from alice?', 'add an event tomorrow at 3pm', 'mark my words', 'open'])(
    'leaves %j to the request parser',
    (text) => {
      expect(parseFollowUp(text)).toBeUndefined();
    },
  );
});

describe('pickEmails', () => {
  it('picks by position, the last, by sender (every match), or all; nothing for what was not shown', () => {
    expect(pickEmails({ by: 'position', index: 2 }, shown).map((e) => e.id)).toEqual(['b']);
    expect(pickEmails({ by: 'position', index: 9 }, shown)).toEqual([]);
    expect(pickEmails({ by: 'last' }, shown).map((e) => e.id)).toEqual(['c']);
    expect(pickEmails({ by: 'sender', name: 'alice' }, shown).map((e) => e.id)).toEqual(['a', 'c']);
    expect(pickEmails({ by: 'sender', name: 'carol' }, shown)).toEqual([]);
    expect(pickEmails({ by: 'all' }, shown).map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });
});
