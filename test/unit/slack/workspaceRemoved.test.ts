/**
 * Reading Slack's uninstall events: which scope an envelope names (a workspace, a workspace of an
 * org, or an org for an org-wide install), which tokens_revoked mean the bot is gone, and that the
 * manifest subscribes to both events.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { WorkspaceScope } from '../../../src/actions/workspaces/ports.ts';
import { BackgroundTasks } from '../../../src/infrastructure/backgroundTasks.ts';
import { createLogger } from '../../../src/infrastructure/logger.ts';
import { removedScope, revokesBotToken, workspaceRemoved } from '../../../src/slack/listeners/events/workspaceRemoved.ts';
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

describe('recording a removal', () => {
  /** A removal store that refuses the first `failures` records, and a log kept as JSON lines. */
  function setUp(failures: number) {
    const lines: Array<{ level: number; msg: string; scope?: WorkspaceScope }> = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const requests: WorkspaceScope[] = [];
    let passes = 0;
    const removal = {
      async request(scope: WorkspaceScope) {
        requests.push(scope);
        if (requests.length <= failures) throw new Error('SQLITE_BUSY: database is locked');
      },
      async runDue() {
        passes += 1;
        return 1;
      },
    };
    const tasks = new BackgroundTasks(logger);
    const listener = workspaceRemoved({ removal, tasks, logger, retryDelaysMs: [5, 5] });
    const uninstall = () =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      listener({ event: { type: 'app_uninstalled' }, body: { team_id: 'T1', is_enterprise_install: false } } as any);
    return { lines, requests, passes: () => passes, tasks, uninstall };
  }

  it('tries again when the database refuses it for a moment, then starts the removal', async () => {
    const t = setUp(2);
    await t.uninstall();
    await t.tasks.drain(5_000);
    expect(t.requests).toEqual([{ kind: 'workspace', teamId: 'T1' }, { kind: 'workspace', teamId: 'T1' }, { kind: 'workspace', teamId: 'T1' }]);
    expect(t.passes()).toBe(1);
    expect(t.lines.filter((line) => line.level === 40)).toHaveLength(2);
    expect(t.lines.some((line) => line.level >= 50)).toBe(false);
  });

  it('says so in the log, naming the workspace, when every attempt fails; nothing is thrown', async () => {
    const t = setUp(10);
    await expect(t.uninstall()).resolves.toBeUndefined();
    await t.tasks.drain(5_000);
    expect(t.requests).toHaveLength(3);
    expect(t.passes()).toBe(0);
    const failed = t.lines.filter((line) => line.level === 50);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.scope).toEqual({ kind: 'workspace', teamId: 'T1' });
    expect(failed[0]!.msg).toMatch(/could not record the removal/);
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
