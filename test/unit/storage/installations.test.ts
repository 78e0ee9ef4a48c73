/** Slack installations and install states in SQL: tokens sealed, org-wide installs, refresh leases, single-use states. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotInstallation } from '../../../src/actions/installations.ts';
import { Keyring } from '../../../src/infrastructure/crypto/keyring.ts';
import type { Database } from '../../../src/infrastructure/storage/database.ts';
import { SqlInstallations } from '../../../src/infrastructure/storage/sqlInstallations.ts';
import { SqlInstallStates } from '../../../src/infrastructure/storage/sqlInstallStates.ts';
import { DATABASE_KINDS, openMigrated } from '../../helpers/databases.ts';

const t0 = new Date('2026-12-01T06:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const keyring = new Keyring([randomBytes(32)]);

const workspace = (teamId: string, token: string, extra: Partial<BotInstallation> = {}): BotInstallation => ({
  teamId, teamName: `Team ${teamId}`, enterpriseId: undefined, enterpriseName: undefined, isEnterpriseInstall: false,
  appId: 'A1', botId: `B${teamId}`, botUserId: `U${teamId}BOT`, botScopes: ['commands', 'chat:write'], botToken: token,
  botRefreshToken: undefined, botTokenExpiresAt: undefined, installerUserId: 'U1', enterpriseUrl: undefined, ...extra,
});

describe.each(DATABASE_KINDS)('SqlInstallations on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('keeps each workspace under its own key, with the tokens sealed in the database', async () => {
    const store = new SqlInstallations(db, keyring);
    await store.save(workspace('T1', 'xoxb-one-secret', { botRefreshToken: 'xoxe-1-refresh', botTokenExpiresAt: at(3_600_000) }), t0);
    await store.save(workspace('T2', 'xoxb-two-secret'), t0);
    expect((await store.findFor({ teamId: 'T1' }))?.botToken).toBe('xoxb-one-secret');
    expect(await store.findFor({ teamId: 'T1' })).toMatchObject({ botRefreshToken: 'xoxe-1-refresh', botTokenExpiresAt: at(3_600_000), botScopes: ['commands', 'chat:write'] });
    expect((await store.findFor({ teamId: 'T2' }))?.botToken).toBe('xoxb-two-secret');
    expect(await store.findFor({ teamId: 'T3' })).toBeUndefined();
    const raw = JSON.stringify(await db.query('SELECT * FROM slack_installations'));
    expect(raw).not.toContain('xoxb-one-secret');
    expect(raw).not.toContain('xoxe-1-refresh');
    // A sealed token moved to another installation's row does not open there.
    await db.query("UPDATE slack_installations SET bot_token = (SELECT bot_token FROM slack_installations WHERE installation_key = 'T:T1') WHERE installation_key = 'T:T2'");
    await expect(store.findFor({ teamId: 'T2' })).rejects.toThrow(/cannot be decrypted/);
    await store.save(workspace('T2', 'xoxb-two-again'), t0);
    expect((await store.findFor({ teamId: 'T2' }))?.botToken).toBe('xoxb-two-again');
  });

  it('serves every workspace of an org from its org-wide install, and a workspace\'s own install first', async () => {
    const store = new SqlInstallations(db, keyring);
    await store.save(workspace('', 'xoxb-org', { teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: true }), t0);
    expect((await store.findFor({ teamId: 'T10', enterpriseId: 'E1' }))?.botToken).toBe('xoxb-org');
    expect((await store.findFor({ teamId: 'T11', enterpriseId: 'E1' }))?.isEnterpriseInstall).toBe(true);
    await store.save(workspace('T12', 'xoxb-t12', { enterpriseId: 'E1' }), t0);
    expect((await store.findFor({ teamId: 'T12', enterpriseId: 'E1' }))?.botToken).toBe('xoxb-t12');
    expect(await store.findFor({ teamId: 'T10', enterpriseId: 'E2' })).toBeUndefined();
    expect(await store.remove('E:E1')).toBe(1);
    expect(await store.findFor({ teamId: 'T10', enterpriseId: 'E1' })).toBeUndefined();
  });

  it('lets one holder at a time refresh, and stores what only the holder refreshed', async () => {
    const store = new SqlInstallations(db, keyring);
    await store.save(workspace('T20', 'xoxb-old', { botRefreshToken: 'xoxe-old', botTokenExpiresAt: at(60_000) }), t0);
    const first = await store.takeRefreshLease('T:T20', 'a', t0, at(30_000));
    expect(first?.botRefreshToken).toBe('xoxe-old');
    expect(await store.takeRefreshLease('T:T20', 'b', at(1_000), at(31_000))).toBeUndefined();
    await store.saveRefreshed('T:T20', 'b', { botToken: 'xoxb-b', botRefreshToken: 'xoxe-b', botTokenExpiresAt: at(99) }, at(2_000));
    expect((await store.find('T:T20'))?.botToken).toBe('xoxb-old');
    await store.saveRefreshed('T:T20', 'a', { botToken: 'xoxb-new', botRefreshToken: 'xoxe-new', botTokenExpiresAt: at(43_200_000) }, at(2_000));
    expect(await store.find('T:T20')).toMatchObject({ botToken: 'xoxb-new', botRefreshToken: 'xoxe-new', botTokenExpiresAt: at(43_200_000) });
    // The lease was given up with the save; an expired lease is taken over too.
    expect(await store.takeRefreshLease('T:T20', 'c', at(3_000), at(33_000))).toBeDefined();
    expect(await store.takeRefreshLease('T:T20', 'd', at(34_000), at(64_000))).toBeDefined();
  });
});

describe.each(DATABASE_KINDS)('SqlInstallStates on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openMigrated(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  it('gives a state\'s options back once, and never after it expired', async () => {
    const states = new SqlInstallStates(db);
    await states.issue('h1', '{"scopes":["commands"]}', t0, at(600_000));
    await states.issue('h2', '{}', t0, at(600_000));
    expect(await states.consume('h1', at(1_000))).toBe('{"scopes":["commands"]}');
    expect(await new SqlInstallStates(db).consume('h1', at(2_000))).toBeUndefined();
    expect(await states.consume('h2', at(600_000))).toBeUndefined();
    expect(await states.consume('unknown', at(1_000))).toBeUndefined();
  });
});
