import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../../../src/slack/parsing/intent.ts';

// Friday 27 March 2026, 10:00 in Berlin.
const CONTEXT = { now: new Date('2026-03-27T09:00:00Z'), timeZone: 'Europe/Berlin' };
const parse = (text: string) => parseIntent(text, CONTEXT);

describe('parseIntent: the three requests of the issue', () => {
  it('reads unread-mail requests through parseMention', () => {
    expect(parse('<@U0BOT> show me the last 5 unread emails')).toEqual({ kind: 'unread', count: 5, search: undefined });
    expect(parse('<@U0BOT> last five unread')).toEqual({ kind: 'unread', count: 5, search: undefined });
    expect(parse('<@U0BOT> any new mail from alice')).toEqual({ kind: 'unread', count: 5, search: 'from:alice' });
  });

  it.each([
    ['<@U0BOT> create a calendar event for tomorrow at 3pm called Design review', 'Design review', '2026-03-28T14:00:00Z', '2026-03-28T14:30:00Z'],
    ['<@U0BOT> meeting tomorrow 10am for an hour called 1:1', '1:1', '2026-03-28T09:00:00Z', '2026-03-28T10:00:00Z'],
    ['schedule lunch with Sam friday at noon', 'lunch with Sam', '2026-04-03T10:00:00Z', '2026-04-03T10:30:00Z'],
    ['please add an event: tomorrow 9am: Dentist', 'Dentist', '2026-03-28T08:00:00Z', '2026-03-28T08:30:00Z'],
    ['book a call tomorrow 3pm', 'Call', '2026-03-28T14:00:00Z', '2026-03-28T14:30:00Z'],
    ['put Dentist in my calendar on monday at 8:30', 'Dentist', '2026-03-30T06:30:00Z', '2026-03-30T07:00:00Z'],
    ['create a meeting on friday at 14:30 for 45 minutes titled “Budget”', 'Budget', '2026-04-03T12:30:00Z', '2026-04-03T13:15:00Z'],
  ])('%j → an event', (text, title, start, end) => {
    expect(parse(text)).toMatchObject({ kind: 'event', title, when: { kind: 'timed', start: new Date(start), end: new Date(end) } });
  });

  it('makes an all-day event when no time is given', () => {
    expect(parse('create an event next monday called Offsite')).toMatchObject({ kind: 'event', title: 'Offsite', when: { kind: 'allDay', date: '2026-03-30', endDate: '2026-03-31' } });
  });

  it.each([
    ['<@U0BOT> send an alert to my team: deploy failed', { text: 'deploy failed', severity: 'warning', mentionChannel: false }],
    ['alert the team: deploy failed', { text: 'deploy failed', severity: 'warning', mentionChannel: false }],
    ['critical alert: db down', { text: 'db down', severity: 'critical', mentionChannel: false }],
    ['send a critical alert to #ops: db down', { text: 'db down', severity: 'critical', channel: 'ops', mentionChannel: false }],
    ['alert <#C0OPS|ops> db down', { text: 'db down', severity: 'warning', channel: 'C0OPS', mentionChannel: false }],
    ['send an alert to my team the build is red', { text: 'the build is red', severity: 'warning', mentionChannel: false }],
    ['info alert to the team: lunch is here', { text: 'lunch is here', severity: 'info', mentionChannel: false }],
    ['tell the team: mail server down', { text: 'mail server down', severity: 'warning', mentionChannel: false }],
    ['alert the team: <!channel> deploy failed &amp; rolled back', { text: 'deploy failed & rolled back', severity: 'warning', mentionChannel: true }],
    ['alert the team @here: db down', { text: 'db down', severity: 'warning', mentionChannel: true }],
    ['alert the team deploy failed: see logs', { text: 'deploy failed: see logs', severity: 'warning', mentionChannel: false }],
    ['can you alert everyone: fire drill at 3', { text: 'fire drill at 3', severity: 'warning', mentionChannel: false }],
  ])('%j → an alert', (text, alert) => {
    expect(parse(text)).toEqual({ kind: 'alert', ...alert });
  });
});

describe('parseIntent: the rest', () => {
  it.each(['', '<@U0BOT>', 'help', 'hi there', 'tell me a joke', 'what alerts fired today?', "what's on my calendar tomorrow", 'add milk to the shopping list', 'warning: slippery floor'])(
    '%j → help',
    (text) => {
      expect(parse(text)).toEqual({ kind: 'help' });
    },
  );

  it('says what is missing when it is clearly an alert or an event', () => {
    expect(parse('send an alert to my team:')).toMatchObject({ kind: 'unclear', about: 'alert', problem: expect.stringMatching(/What should the alert say/) });
    expect(parse('create an event')).toMatchObject({ kind: 'unclear', about: 'event' });
    expect(parse('schedule a meeting yesterday')).toMatchObject({ kind: 'unclear', about: 'event' });
    expect(parse('meeting jan 1 2020 called Retro')).toMatchObject({ kind: 'unclear', about: 'event', problem: expect.stringMatching(/past/) });
    expect(parse(`alert the team: ${'x'.repeat(2001)}`)).toMatchObject({ kind: 'unclear', about: 'alert' });
  });

  it('prefers an alert or an event over mail words in it', () => {
    expect(parse('alert the team: inbox sync broken').kind).toBe('alert');
    expect(parse('meeting tomorrow 10am called inbox zero review').kind).toBe('event');
  });
});
