/** What distribution needs from manifest.yml: the install redirect URL, the uninstall events, the scopes "Add to Slack" asks for. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadManifestSettings } from '../../../src/infrastructure/manifestSettings.ts';
import { BOT_SCOPES } from '../../../src/slack/install/scopes.ts';
import { INSTALL_REDIRECT_PATH as MANIFEST_REDIRECT, renderManifest } from '../../../src/slack/manifest.ts';
import { INSTALL_REDIRECT_PATH } from '../../../src/web/installRoutes.ts';

const source = readFileSync(join(import.meta.dirname, '..', '..', '..', 'manifest.yml'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const render = (manyWorkspaces: boolean): any => parse(renderManifest(source, { publicUrl: 'https://bot.test', socketMode: false, manyWorkspaces }));

describe('the manifest for many workspaces', () => {
  it('lists the install redirect URL beside Sign in with Slack\'s and allows org-wide installs', () => {
    const many = render(true);
    expect(many.oauth_config.redirect_urls).toEqual(['https://bot.test/auth/slack/callback', 'https://bot.test/slack/oauth_redirect']);
    expect(many.settings.org_deploy_enabled).toBe(true);
    expect(many.settings).toHaveProperty('token_rotation_enabled');
    expect(MANIFEST_REDIRECT).toBe(INSTALL_REDIRECT_PATH);
    const one = render(false);
    expect(one.oauth_config.redirect_urls).toEqual(['https://bot.test/auth/slack/callback']);
    expect(one.settings.org_deploy_enabled).toBe(false);
  });

  it('subscribes to app_uninstalled and tokens_revoked', () => {
    expect(render(true).settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['app_uninstalled', 'tokens_revoked']));
  });

  it('asks at install for exactly the bot scopes the manifest declares', () => {
    expect([...BOT_SCOPES].sort()).toEqual([...render(true).oauth_config.scopes.bot].sort());
  });

  it('renders for many workspaces when SLACK_STATE_SECRET is set without SLACK_BOT_TOKEN', () => {
    expect(loadManifestSettings({ SLACK_STATE_SECRET: 'x'.repeat(20) }).manyWorkspaces).toBe(true);
    expect(loadManifestSettings({ SLACK_STATE_SECRET: 'x'.repeat(20), SLACK_BOT_TOKEN: 'xoxb-1' }).manyWorkspaces).toBe(false);
    expect(loadManifestSettings({}).manyWorkspaces).toBe(false);
  });
});
