import { describe, expect, it } from 'vitest';
import { alertRequestSchema } from '../../../../src/actions/alerts/alert.ts';
import { parseAlertArgs } from '../../../../src/slack/parsing/alertArgs.ts';

describe('parseAlertArgs', () => {
  it.each([
    ['db down', { severity: 'warning', text: 'db down', mentionChannel: false }],
    ['critical db down', { severity: 'critical', text: 'db down', mentionChannel: false }],
    ['#ops critical db down', { channel: 'ops', severity: 'critical', text: 'db down', mentionChannel: false }],
    ['critical #Ops db down', { channel: 'ops', severity: 'critical', text: 'db down', mentionChannel: false }],
    ['<#C0OPS|ops> info: deploy done', { channel: 'C0OPS', severity: 'info', text: 'deploy done', mentionChannel: false }],
    ['<#C0OPS> warn db slow', { channel: 'C0OPS', severity: 'warning', text: 'db slow', mentionChannel: false }],
    ['#ops critical <!channel> db down', { channel: 'ops', severity: 'critical', text: 'db down', mentionChannel: true }],
    ['@here critical db down', { severity: 'critical', text: 'db down', mentionChannel: true }],
    // Only the leading options count: later ones are part of the message.
    ['db down, info critical #ops', { severity: 'warning', text: 'db down, info critical #ops', mentionChannel: false }],
    ['critical info is missing', { severity: 'critical', text: 'info is missing', mentionChannel: false }],
    ['fix &lt;this&gt; &amp; <https://status.example|status page>', { severity: 'warning', text: 'fix <this> & status page', mentionChannel: false }],
    ['deploy failed\n  see logs', { severity: 'warning', text: 'deploy failed\n see logs', mentionChannel: false }],
    ['critical: <@U123> please look', { severity: 'critical', text: '@U123 please look', mentionChannel: false }],
    ['db down, <!here> look', { severity: 'warning', text: 'db down, @here look', mentionChannel: false }],
  ])('%j', (text, request) => {
    const parsed = parseAlertArgs(text);
    expect(parsed).toEqual({ ok: true, request });
    if (parsed.ok) expect(alertRequestSchema.safeParse(parsed.request).success).toBe(true);
  });

  it('asks for a message, and refuses one over 2000 characters', () => {
    expect(parseAlertArgs('')).toMatchObject({ ok: false, problem: expect.stringMatching(/What should the alert say\? Usage: \/alert/) });
    expect(parseAlertArgs('#ops critical')).toMatchObject({ ok: false });
    expect(parseAlertArgs('x'.repeat(2001))).toMatchObject({ ok: false, problem: expect.stringMatching(/2000 at most/) });
  });

  it('drops control and bidi-override characters from the message', () => {
    expect(parseAlertArgs('db\u202E down\u0007')).toMatchObject({ ok: true, request: { text: 'db down' } });
  });
});
