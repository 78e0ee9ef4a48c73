import { describe, expect, it } from 'vitest';
import {
  buildAuthorizationDone,
  buildAuthorizationPrompt,
  buildDmWaitingNotice,
} from '../../../src/slack/blocks/authorizationPrompt.ts';
import { buildHelp, buildUnreadUsage } from '../../../src/slack/blocks/help.ts';

const input = { connectorLabel: 'Gmail', url: 'https://auth.example/link?x=1', expiresInMinutes: 10, purpose: 'show your unread email', reconnect: false };

describe('buildAuthorizationPrompt', () => {
  it('explains why, offers a primary Connect button with the link, and says the link works once', () => {
    const { text, blocks } = buildAuthorizationPrompt(input);
    expect(blocks.map((b) => b.type)).toEqual(['section', 'actions', 'context']);
    expect(JSON.stringify(blocks[0])).toContain('To show your unread email, I need your permission to use your Gmail account.');
    expect(blocks[1]).toMatchObject({
      elements: [{ type: 'button', style: 'primary', text: { text: 'Connect Gmail' }, url: input.url, action_id: 'authorize_connection' }],
    });
    const note = JSON.stringify(blocks[2]);
    expect(note).toContain('works once and expires in 10 minutes');
    expect(note).toContain('finish your request automatically');
    expect(text).toBe('Please connect Gmail so I can show your unread email.');
    expect(text).not.toContain(input.url);
  });

  it('asks to reconnect when the connection stopped working', () => {
    const { blocks } = buildAuthorizationPrompt({ ...input, reconnect: true, expiresInMinutes: 1 });
    expect(JSON.stringify(blocks)).toContain('Reconnect Gmail');
    expect(JSON.stringify(blocks)).toContain('expires in 1 minute.');
  });

  it('refuses a link Slack would refuse', () => {
    expect(() => buildAuthorizationPrompt({ ...input, url: `https://x/${'a'.repeat(3000)}` })).toThrow();
  });
});

describe('notices', () => {
  it('tells the user where the link went, and when the connection worked', () => {
    expect(buildDmWaitingNotice('Gmail').text).toBe(
      "I've sent you a direct message with a link to connect Gmail; I'll finish this request once you have connected.",
    );
    expect(buildAuthorizationDone({ connectorLabel: 'Gmail' }).text).toMatch(/^Connected Gmail .*running your request/);
    const done = buildAuthorizationDone({ connectorLabel: 'Gmail', connection: 'gmail', address: 'alice@example.com' });
    expect(done.text).toMatch(/^Connected Gmail as alice@example\.com /);
    expect(JSON.stringify(done.blocks)).toContain('"action_id":"home_disconnect:gmail"');
  });
});

describe('help and usage', () => {
  it('lists the command forms and mention examples', () => {
    const all = JSON.stringify(buildHelp().blocks);
    for (const example of ['`/unread`', '`/unread 10`', '`/unread 3 from:alice`', 'show me my last 5 unread emails']) {
      expect(all).toContain(example);
    }
    expect(JSON.stringify(buildHelp({ botUserId: 'U0BOT' }).blocks)).toContain('<@U0BOT> show me');
  });

  it('explains /unread, with the problem escaped', () => {
    const usage = buildUnreadUsage('“<!here>” is not a count');
    expect(usage.text).toContain('&lt;!here&gt;');
    expect(JSON.stringify(usage.blocks)).toContain('from 1 to 25 (default 5)');
    expect(buildUnreadUsage().text).toMatch(/^Usage:/);
  });
});
