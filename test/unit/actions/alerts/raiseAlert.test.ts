import { beforeEach, describe, expect, it } from 'vitest';
import { alertRequestSchema, channelRef } from '../../../../src/actions/alerts/alert.ts';
import { DEFAULT_ALERT_POLICY, type AlertPolicy } from '../../../../src/actions/alerts/policy.ts';
import { RaiseAlert } from '../../../../src/actions/alerts/raiseAlert.ts';
import { MemoryAlertChannels, MemoryAlertOutbox, MemoryRateLimit } from '../../../helpers/memoryAlertOutbox.ts';

const T0 = new Date('2026-03-27T09:00:00Z');
const user = { teamId: 'T1', userId: 'U1' };

let outbox: MemoryAlertOutbox;
let channels: MemoryAlertChannels;

function raiser(overrides: { policy?: AlertPolicy; defaultChannel?: string; capacity?: number } = {}) {
  return new RaiseAlert({
    outbox,
    channels,
    policy: overrides.policy ?? { ...DEFAULT_ALERT_POLICY, mentionChannel: { kind: 'users', userIds: ['U1'] } },
    limiter: new MemoryRateLimit({ capacity: overrides.capacity ?? 5, refillEveryMs: 60_000 }, () => T0.getTime()),
    isInUserGroup: async () => false,
    channelIdForName: async (_team, name) => (name === 'ops' ? 'C0OPS' : undefined),
    mayPostAs: async () => true,
    defaultChannel: 'defaults',
    ...('defaultChannel' in overrides ? { defaultChannel: overrides.defaultChannel } : {}),
    now: () => T0,
  });
}

beforeEach(() => {
  outbox = new MemoryAlertOutbox();
  channels = new MemoryAlertChannels();
});

describe('RaiseAlert', () => {
  it('stores an accepted alert for the channel named, with the default severity', async () => {
    const outcome = await raiser().run(user, { channel: '#ops', text: 'deploy failed' });
    expect(outcome).toMatchObject({ ok: true, alert: { channelId: 'C0OPS', severity: 'warning', text: 'deploy failed', mentionChannel: false, raisedBy: user, createdAt: T0 } });
    expect(outbox.alerts.size).toBe(1);
  });

  it('uses the workspace channel, else the default setting, else says there is none', async () => {
    channels.channels.set('T1', 'C0TEAM');
    expect(await raiser().run(user, { text: 'x' })).toMatchObject({ ok: true, alert: { channelId: 'C0TEAM' } });
    channels.channels.clear();
    expect(await raiser({ defaultChannel: 'C0DEFAULT' }).run(user, { text: 'x' })).toMatchObject({ ok: true, alert: { channelId: 'C0DEFAULT' } });
    expect(await raiser({ defaultChannel: undefined }).run(user, { text: 'x' })).toEqual({ ok: false, reason: 'no_channel' });
    expect(await raiser().run(user, { text: 'x', channel: 'nowhere' })).toEqual({ ok: false, reason: 'unknown_channel', name: 'nowhere' });
  });

  it('refuses who may not raise, or may not notify the channel, without storing anything', async () => {
    const closed = { ...DEFAULT_ALERT_POLICY, raise: { kind: 'users' as const, userIds: ['U9'] } };
    expect(await raiser({ policy: closed }).run(user, { text: 'x', channel: 'C0OPS' })).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await raiser({ policy: DEFAULT_ALERT_POLICY }).run(user, { text: 'x', channel: 'C0OPS', mentionChannel: true })).toEqual({ ok: false, reason: 'mention_not_allowed' });
    expect(await raiser().run(user, { text: 'x', channel: 'C0OPS', mentionChannel: true })).toMatchObject({ ok: true, alert: { mentionChannel: true } });
    expect(outbox.alerts.size).toBe(1);
  });

  it('rate-limits each attempt per user, a misdirected one included (it costs a channel lookup)', async () => {
    const once = raiser({ capacity: 1 });
    expect(await once.run(user, { text: 'x', channel: 'nowhere' })).toMatchObject({ ok: false, reason: 'unknown_channel' });
    expect(await once.run(user, { text: 'x', channel: 'C0OPS' })).toEqual({ ok: false, reason: 'rate_limited', retryAfterMs: 60_000 });
    const twice = raiser({ capacity: 2 });
    expect(await twice.run(user, { text: 'x', channel: 'C0OPS' })).toMatchObject({ ok: true });
    expect(await once.run({ teamId: 'T1', userId: 'U2' }, { text: 'x', channel: 'C0OPS' })).toMatchObject({ ok: true });
  });

  it('refuses requests its schema refuses', async () => {
    expect(await raiser().run(user, { text: '   ' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await raiser().run(user, { text: 'x'.repeat(2001) })).toEqual({ ok: false, reason: 'invalid' });
    expect(await raiser().run(user, { text: 'x', severity: 'urgent' })).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('channelRef and the request schema', () => {
  it.each([
    ['C0123ABC', { kind: 'id', id: 'C0123ABC' }],
    ['#ops', { kind: 'name', name: 'ops' }],
    ['ops-alerts_2.0', { kind: 'name', name: 'ops-alerts_2.0' }],
    ['équipe', { kind: 'name', name: 'équipe' }],
    ['Ops', undefined],
    ['<#C1|x>', undefined],
    ['', undefined],
  ])('%j', (text, ref) => {
    expect(channelRef(text)).toEqual(ref);
  });

  it('defaults the severity and trims the text', () => {
    expect(alertRequestSchema.parse({ text: '  db down ' })).toEqual({ severity: 'warning', text: 'db down' });
  });
});
