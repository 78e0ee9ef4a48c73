/** Each workspace's bot token: read from the installations, remembered briefly, refreshed once when due. */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotInstallation } from '../../../../src/actions/installations.ts';
import { Keyring } from '../../../../src/infrastructure/crypto/keyring.ts';
import { createLogger } from '../../../../src/infrastructure/logger.ts';
import type { Database } from '../../../../src/infrastructure/storage/database.ts';
import { migrate } from '../../../../src/infrastructure/storage/migrations.ts';
import { openDatabase } from '../../../../src/infrastructure/storage/openDatabase.ts';
import { SqlInstallations } from '../../../../src/infrastructure/storage/sqlInstallations.ts';
import { BotTokens, REFRESH_RETRY_MS, WorkspaceNotInstalledError } from '../../../../src/slack/install/botTokens.ts';

const HOUR = 3_600_000;
const t0 = new Date('2026-12-01T06:00:00Z');
const logger = createLogger({ level: 'silent' });

const installation = (teamId: string, token: string, rotation?: { refreshToken: string; expiresAt: Date }): BotInstallation => ({
  teamId, teamName: teamId, enterpriseId: undefined, enterpriseName: undefined, isEnterpriseInstall: false, appId: 'A1', botId: 'B1',
  botUserId: 'U1BOT', botScopes: ['commands'], botToken: token, botRefreshToken: rotation?.refreshToken, botTokenExpiresAt: rotation?.expiresAt,
  installerUserId: 'U1', enterpriseUrl: undefined,
});

let db: Database;
let store: SqlInstallations;
let clock: number;
let refreshed: string[];
const tokens = (options: { slowRefresh?: Promise<void> } = {}) =>
  new BotTokens({
    store,
    now: () => new Date(clock),
    logger,
    pollMs: 5,
    refresh: async (refreshToken) => {
      refreshed.push(refreshToken);
      await options.slowRefresh;
      return { accessToken: `xoxb-after-${refreshToken}`, refreshToken: `${refreshToken}-next`, expiresInSeconds: 12 * 3600 };
    },
  });

beforeEach(async () => {
  db = await openDatabase('memory://');
  await migrate(db);
  store = new SqlInstallations(db, new Keyring([randomBytes(32)]));
  clock = t0.getTime();
  refreshed = [];
});
afterEach(async () => {
  await db.close();
});

describe('BotTokens', () => {
  it('hands out a non-rotating token as stored, remembered for a minute, and sees a re-install once told', async () => {
    await store.save(installation('T1', 'xoxb-first'), t0);
    const bot = tokens();
    expect((await bot.forWorkspace({ teamId: 'T1' })).botToken).toBe('xoxb-first');
    await store.save(installation('T1', 'xoxb-second'), t0);
    expect((await bot.forWorkspace({ teamId: 'T1' })).botToken).toBe('xoxb-first');
    bot.forget('T:T1');
    expect((await bot.forWorkspace({ teamId: 'T1' })).botToken).toBe('xoxb-second');
    await store.save(installation('T1', 'xoxb-third'), t0);
    clock += 61_000;
    expect((await bot.forWorkspace({ teamId: 'T1' })).botToken).toBe('xoxb-third');
    expect(refreshed).toEqual([]);
  });

  it('refuses a workspace with no installation', async () => {
    await expect(tokens().forWorkspace({ teamId: 'T404' })).rejects.toBeInstanceOf(WorkspaceNotInstalledError);
  });

  it('refreshes a rotating token within two hours of its expiry once, however many ask, and stores the new pair', async () => {
    await store.save(installation('T2', 'xoxe.xoxb-old', { refreshToken: 'xoxe-1-old', expiresAt: new Date(t0.getTime() + HOUR) }), t0);
    const bot = tokens();
    const all = await Promise.all(Array.from({ length: 5 }, () => bot.forWorkspace({ teamId: 'T2' })));
    expect(new Set(all.map((i) => i.botToken))).toEqual(new Set(['xoxb-after-xoxe-1-old']));
    expect(refreshed).toEqual(['xoxe-1-old']);
    expect(await store.find('T:T2')).toMatchObject({ botToken: 'xoxb-after-xoxe-1-old', botRefreshToken: 'xoxe-1-old-next' });
    // Another instance reading the store now finds it fresh and does not refresh again.
    expect((await tokens().forWorkspace({ teamId: 'T2' })).botToken).toBe('xoxb-after-xoxe-1-old');
    expect(refreshed).toEqual(['xoxe-1-old']);
  });

  it('waits for another instance\'s refresh and uses its result instead of spending the refresh token again', async () => {
    await store.save(installation('T3', 'xoxe.xoxb-old', { refreshToken: 'xoxe-1-t3', expiresAt: new Date(t0.getTime() + HOUR) }), t0);
    let finish = () => {};
    const slow = new Promise<void>((resolve) => (finish = resolve));
    const first = tokens({ slowRefresh: slow }).forWorkspace({ teamId: 'T3' });
    await expect.poll(() => refreshed.length).toBe(1);
    const second = tokens().forWorkspace({ teamId: 'T3' });
    finish();
    expect((await first).botToken).toBe('xoxb-after-xoxe-1-t3');
    expect((await second).botToken).toBe('xoxb-after-xoxe-1-t3');
    expect(refreshed).toEqual(['xoxe-1-t3']);
  });

  describe('when the refresh fails', () => {
    /** Tokens whose refresh fails with `error` (a Slack Web API error's shape when `code` is given), and the log. */
    function failing(code?: string) {
      const lines: Array<{ level: number; msg: string }> = [];
      const logged = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
      let fail = true;
      const bot = new BotTokens({
        store, now: () => new Date(clock), logger: logged, pollMs: 5,
        refresh: async (refreshToken) => {
          refreshed.push(refreshToken);
          if (fail) throw Object.assign(new Error(code ? `An API error occurred: ${code}` : 'connect ECONNREFUSED'), code ? { data: { ok: false, error: code } } : {});
          return { accessToken: `xoxb-after-${refreshToken}`, refreshToken: `${refreshToken}-next`, expiresInSeconds: 12 * 3600 };
        },
      });
      return { bot, lines, recover: () => (fail = false) };
    }

    it('serves the workspace with its still-good token, tries again a minute later (not on every request), and rotates once Slack answers', async () => {
      await store.save(installation('T4', 'xoxe.xoxb-current', { refreshToken: 'xoxe-1-t4', expiresAt: new Date(t0.getTime() + HOUR) }), t0);
      const { bot, lines, recover } = failing();
      expect((await bot.forWorkspace({ teamId: 'T4' })).botToken).toBe('xoxe.xoxb-current');
      expect((await bot.forWorkspace({ teamId: 'T4' })).botToken).toBe('xoxe.xoxb-current');
      clock += REFRESH_RETRY_MS - 1_000;
      expect((await bot.forWorkspace({ teamId: 'T4' })).botToken).toBe('xoxe.xoxb-current');
      expect(refreshed).toEqual(['xoxe-1-t4']);
      expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([expect.stringContaining('could not rotate')]);

      clock += 2_000;
      recover();
      expect((await bot.forWorkspace({ teamId: 'T4' })).botToken).toBe('xoxb-after-xoxe-1-t4');
      expect(refreshed).toEqual(['xoxe-1-t4', 'xoxe-1-t4']);
      expect(await store.find('T:T4')).toMatchObject({ botToken: 'xoxb-after-xoxe-1-t4', botRefreshToken: 'xoxe-1-t4-next' });
    });

    it('says in the log that Slack refused the refresh token and the app must be reinstalled; once the token has expired, the failure reaches the caller', async () => {
      await store.save(installation('T5', 'xoxe.xoxb-current', { refreshToken: 'xoxe-1-t5', expiresAt: new Date(t0.getTime() + HOUR) }), t0);
      const { bot, lines } = failing('invalid_refresh_token');
      expect((await bot.forWorkspace({ teamId: 'T5' })).botToken).toBe('xoxe.xoxb-current');
      const errors = lines.filter((line) => line.level === 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.msg).toMatch(/refused .* refresh token.*reinstalled/);
      expect(JSON.stringify(lines)).not.toContain('xoxe-1-t5'); // no token in the log

      clock = t0.getTime() + HOUR + 1_000;
      await expect(bot.forWorkspace({ teamId: 'T5' })).rejects.toThrow('invalid_refresh_token');
    });
  });
});
