import { describe, expect, it } from 'vitest';
import {
  checkAlertPermission,
  DEFAULT_ALERT_POLICY,
  mayConfigureChannel,
  parseAudience,
  type AlertPolicy,
} from '../../../../src/actions/alerts/policy.ts';

const inGroup = async (groupId: string, userId: string) => groupId === 'S0ONCALL' && userId === 'U0ONCALL';

describe('checkAlertPermission', () => {
  it('lets everyone raise an alert by default, but nobody notify the whole channel', async () => {
    expect(await checkAlertPermission(DEFAULT_ALERT_POLICY, 'U1', false, inGroup)).toEqual({ ok: true });
    expect(await checkAlertPermission(DEFAULT_ALERT_POLICY, 'U1', true, inGroup)).toEqual({ ok: false, reason: 'mention_not_allowed' });
  });

  it('follows an allow-list and a user group', async () => {
    const policy: AlertPolicy = { raise: { kind: 'users', userIds: ['U1'] }, mentionChannel: { kind: 'userGroup', groupId: 'S0ONCALL' }, configureChannel: { kind: 'nobody' } };
    expect(await checkAlertPermission(policy, 'U2', false, inGroup)).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await checkAlertPermission(policy, 'U1', true, inGroup)).toEqual({ ok: false, reason: 'mention_not_allowed' });
    const oncall: AlertPolicy = { ...policy, raise: { kind: 'userGroup', groupId: 'S0ONCALL' } };
    expect(await checkAlertPermission(oncall, 'U0ONCALL', true, inGroup)).toEqual({ ok: true });
  });

  it('does not ask about the group when the request needs no group check', async () => {
    let asked = 0;
    const counting = async () => (asked++, true);
    await checkAlertPermission({ ...DEFAULT_ALERT_POLICY, mentionChannel: { kind: 'userGroup', groupId: 'S1' } }, 'U1', false, counting);
    expect(asked).toBe(0);
  });
});

describe('mayConfigureChannel', () => {
  it('lets workspace admins, and the configured audience, set the team channel', async () => {
    expect(await mayConfigureChannel(DEFAULT_ALERT_POLICY, { userId: 'U1', isWorkspaceAdmin: true }, inGroup)).toBe(true);
    expect(await mayConfigureChannel(DEFAULT_ALERT_POLICY, { userId: 'U1', isWorkspaceAdmin: false }, inGroup)).toBe(false);
    const policy = { ...DEFAULT_ALERT_POLICY, configureChannel: { kind: 'users' as const, userIds: ['U1'] } };
    expect(await mayConfigureChannel(policy, { userId: 'U1', isWorkspaceAdmin: false }, inGroup)).toBe(true);
  });
});

describe('parseAudience', () => {
  it.each([
    ['everyone', { kind: 'everyone' }],
    [' Nobody ', { kind: 'nobody' }],
    ['S0123ABC', { kind: 'userGroup', groupId: 'S0123ABC' }],
    ['U01,U02 W03,U01', { kind: 'users', userIds: ['U01', 'U02', 'W03'] }],
    ['alice,bob', undefined],
    ['', undefined],
  ])('%j', (setting, audience) => {
    expect(parseAudience(setting)).toEqual(audience);
  });
});
