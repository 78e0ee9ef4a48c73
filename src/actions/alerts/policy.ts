/**
 * Who may do what with team alerts, as data: raise one, notify the whole channel with it, and set the
 * workspace's team channel (workspace admins always may). An audience is everyone, nobody, a list of
 * user ids, or a Slack user group whose membership is checked by a function passed in (the Slack
 * layer asks `usergroups.users.list`; tests pass a stub). Pure apart from that one call.
 */

export type Audience =
  | { kind: 'everyone' }
  | { kind: 'nobody' }
  | { kind: 'users'; userIds: readonly string[] }
  | { kind: 'userGroup'; groupId: string };

export interface AlertPolicy {
  raise: Audience;
  /** Who may add @channel to an alert (and only when they ask for it). */
  mentionChannel: Audience;
  /** Who besides workspace admins may set the team channel with /alert-channel. */
  configureChannel: Audience;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  raise: { kind: 'everyone' },
  mentionChannel: { kind: 'nobody' },
  configureChannel: { kind: 'nobody' },
};

export type IsInUserGroup = (groupId: string, userId: string) => Promise<boolean>;

export async function isInAudience(audience: Audience, userId: string, isInUserGroup: IsInUserGroup): Promise<boolean> {
  switch (audience.kind) {
    case 'everyone':
      return true;
    case 'nobody':
      return false;
    case 'users':
      return audience.userIds.includes(userId);
    case 'userGroup':
      return isInUserGroup(audience.groupId, userId);
  }
}

export type AlertPermission = { ok: true } | { ok: false; reason: 'not_allowed' | 'mention_not_allowed' };

/** May this user raise this alert? Asking for @channel without the right refuses the alert, not just the mention. */
export async function checkAlertPermission(
  policy: AlertPolicy,
  userId: string,
  wantsChannelMention: boolean,
  isInUserGroup: IsInUserGroup,
): Promise<AlertPermission> {
  if (!(await isInAudience(policy.raise, userId, isInUserGroup))) return { ok: false, reason: 'not_allowed' };
  if (wantsChannelMention && !(await isInAudience(policy.mentionChannel, userId, isInUserGroup))) {
    return { ok: false, reason: 'mention_not_allowed' };
  }
  return { ok: true };
}

export async function mayConfigureChannel(
  policy: AlertPolicy,
  user: { userId: string; isWorkspaceAdmin: boolean },
  isInUserGroup: IsInUserGroup,
): Promise<boolean> {
  return user.isWorkspaceAdmin || isInAudience(policy.configureChannel, user.userId, isInUserGroup);
}

/**
 * Reads an audience from a setting: `everyone`, `nobody`, a user group id (`S0123ABC`), or a list of
 * user ids (`U01,U02 W03`). Undefined when it is none of those, so the settings module can say so.
 */
export function parseAudience(setting: string): Audience | undefined {
  const text = setting.trim();
  if (/^(everyone|all|\*)$/i.test(text)) return { kind: 'everyone' };
  if (/^(nobody|none)$/i.test(text)) return { kind: 'nobody' };
  if (/^S[A-Z0-9]{2,30}$/.test(text)) return { kind: 'userGroup', groupId: text };
  const ids = text.split(/[\s,]+/).filter(Boolean);
  if (ids.length > 0 && ids.every((id) => /^[UW][A-Z0-9]{2,30}$/.test(id))) return { kind: 'users', userIds: [...new Set(ids)] };
  return undefined;
}
