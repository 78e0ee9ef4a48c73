/** manifest.yml declares the agent surface as Slack's manifest schema describes `features.agent_view`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SUGGESTED_PROMPTS } from '../../../../src/slack/agent/prompts.ts';
import { renderManifest } from '../../../../src/slack/manifest.ts';

const source = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'manifest.yml'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const rendered = parse(renderManifest(source, { publicUrl: 'https://bot.test', socketMode: false })) as any;

describe('the manifest declares the agent surface', () => {
  it('has agent_view with a description of at most 300 characters and the same four prompts the bot sets', () => {
    const view = rendered.features.agent_view;
    expect(typeof view.agent_description).toBe('string');
    expect(view.agent_description.length).toBeGreaterThan(0);
    expect(view.agent_description.length).toBeLessThanOrEqual(300);
    expect(view.suggested_prompts.length).toBeLessThanOrEqual(4);
    expect(view.suggested_prompts).toEqual(SUGGESTED_PROMPTS);
    expect(rendered.features.assistant_view).toBeUndefined();
  });

  it('keeps the Messages tab open for writing', () => {
    expect(rendered.features.app_home).toMatchObject({ messages_tab_enabled: true, messages_tab_read_only_enabled: false });
  });

  it('subscribes to message.im, app_context_changed and agent_session_stopped, with im:history', () => {
    expect(rendered.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['message.im', 'app_context_changed', 'agent_session_stopped', 'app_home_opened']),
    );
    expect(rendered.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['im:history', 'chat:write', 'assistant:write']));
  });
});
