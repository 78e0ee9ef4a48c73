/**
 * Reading Slack's uninstall events: which scope an envelope names (a workspace, a workspace of an
 * org, or an org for an org-wide install), which tokens_revoked mean the bot is gone, and that the
 * manifest subscribes to both events.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { removedScope, revokesBotToken } from '../../../src/slack/listeners/events/workspaceRemoved.ts';
import { renderManifest } from '../../../src/slack/manifest.ts';

describe('the scope an uninstall event names', () => {
  it('is the workspace for a plain workspace', () => {
    expect(removedScope({ team_id: 'T1', enterprise_id: null, is_enterprise_install: false })).toEqual({ kind: 'workspace', teamId: 'T1' });
  });

  it('is the workspace, with its org, for a workspace-level install on Enterprise Grid', () => {
    expect(removedScope({ team_id: 'T1', enterprise_id: 'E1', is_enterprise_install: false })).toEqual({ kind: 'workspace', teamId: 'T1', enterpriseId: 'E1' });
  });

  it('is the org for an org-wide install, whichever workspace the envelope names', () => {
    expect(removedScope({ team_id: 'T1', enterprise_id: 'E1', is_enterprise_install: true })).toEqual({ kind: 'org', enterpriseId: 'E1' });
    expect(removedScope({ team_id: null, enterprise_id: 'E1' })).toEqual({ kind: 'org', enterpriseId: 'E1' });
  });

  it('is none when the envelope names nothing', () => {
    expect(removedScope({})).toBeUndefined();
    expect(removedScope({ team_id: '', enterprise_id: '' })).toBeUndefined();
  });
});

describe('tokens_revoked', () => {
  it("means the bot is gone only when a bot token is among the revoked", () => {
    expect(revokesBotToken({ tokens: { oauth: ['U1'], bot: ['UBOT'] } })).toBe(true);
    expect(revokesBotToken({ tokens: { bot: ['UBOT'] } })).toBe(true);
    expect(revokesBotToken({ tokens: { oauth: ['U1', 'U2'] } })).toBe(false);
    expect(revokesBotToken({ tokens: { oauth: ['U1'], bot: [] } })).toBe(false);
    expect(revokesBotToken({})).toBe(false);
  });
});

describe('the manifest', () => {
  it('subscribes to app_uninstalled and tokens_revoked', () => {
    const source = readFileSync(join(import.meta.dirname, '..', '..', '..', 'manifest.yml'), 'utf8');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const rendered = parse(renderManifest(source, { publicUrl: 'https://bot.test', socketMode: false })) as any;
    expect(rendered.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['app_uninstalled', 'tokens_revoked']));
  });
});
