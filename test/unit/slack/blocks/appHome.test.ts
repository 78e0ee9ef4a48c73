import type { ActionsBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { buildAppHome, homeStatusOf, parseHomeAction } from '../../../../src/slack/blocks/appHome.ts';
import { checkBlocks } from '../../../standins/slackApi.ts';

const buttons = (view: ReturnType<typeof buildAppHome>) =>
  view.blocks.flatMap((b) => (b.type === 'actions' ? (b as ActionsBlock).elements : [])).map((e) => ({ id: 'action_id' in e ? e.action_id : undefined, text: 'text' in e ? (e.text as { text: string }).text : undefined }));

describe('buildAppHome', () => {
  it('offers Connect, Disconnect, or both Reconnect and Disconnect, by status', () => {
    const view = buildAppHome({
      connectors: [
        { id: 'gmail', label: 'Gmail', status: 'connected', purpose: 'Show your unread email' },
        { id: 'google-calendar', label: 'Google Calendar', status: 'not_connected' },
        { id: 'slack-x', label: 'Other', status: 'expired' },
      ],
      alertChannel: { channelId: 'C0OPS', source: 'default' },
    });
    expect(view.type).toBe('home');
    expect(buttons(view)).toEqual([
      { id: 'home_disconnect:gmail', text: 'Disconnect' },
      { id: 'home_connect:google-calendar', text: 'Connect Google Calendar' },
      { id: 'home_connect:slack-x', text: 'Reconnect Other' },
      { id: 'home_disconnect:slack-x', text: 'Disconnect' },
    ]);
    expect(JSON.stringify(view)).toContain(':large_green_circle: Connected');
    expect(JSON.stringify(view)).toContain('Alerts go to <#C0OPS> (the default from the settings).');
    expect(JSON.stringify(view)).toContain('"style":"danger"');
    expect(checkBlocks(view.blocks)).toEqual([]);
  });

  it('says when no alert channel is set, skips connector keys unfit for an action_id, and stays within 100 blocks', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ id: `c${i}`, label: `C ${i}`, status: 'connected' as const }));
    const view = buildAppHome({ connectors: [{ id: 'bad key!', label: 'x', status: 'connected' }, ...many] });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view)).not.toContain('bad key');
    expect(JSON.stringify(view)).toContain('No team-alert channel is set yet.');
  });
});

describe('homeStatusOf and parseHomeAction', () => {
  it('maps agent-auth statuses', () => {
    expect(['ACTIVE', 'EXPIRED', 'DISCONNECTED', 'PENDING_AUTH', 'UNKNOWN'].map((s) => homeStatusOf(s as never))).toEqual(['connected', 'expired', 'not_connected', 'not_connected', 'not_connected']);
  });

  it('reads the action ids back', () => {
    expect(parseHomeAction('home_connect:gmail')).toEqual({ verb: 'connect', connector: 'gmail' });
    expect(parseHomeAction('home_disconnect:google-calendar')).toEqual({ verb: 'disconnect', connector: 'google-calendar' });
    expect(parseHomeAction('home_connect:')).toBeUndefined();
    expect(parseHomeAction('mark_read:x')).toBeUndefined();
  });
});
