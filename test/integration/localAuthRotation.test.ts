/**
 * Rotating TOKEN_ENCRYPTION_KEY, end to end, with the bot restarted on the same on-disk database:
 * connect under key A; restart with "B,A" and the tokens sealed under A still work (reads write
 * nothing); the next refresh seals both tokens under B; then A can be dropped. A key that is gone
 * altogether makes the user connect again rather than failing for good.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../src/infrastructure/crypto/keyring.ts';
import { newKey, startLocalHarness, type LocalHarness } from '../helpers/localHarness.ts';
import { blocksText, connectUser, isDmTo, seedInbox, unreadAnswer } from '../helpers/localFlows.ts';

let h: LocalHarness;
const keyA = newKey();
const keyB = newKey();
const idOf = (key: string) => keyIdOf(Buffer.from(key, 'base64'));
const user = 'U0ALICE';
const refreshes = () => h.provider.tokenCalls.filter((c) => c.grantType === 'refresh_token');

/** The key ids of the stored access and refresh tokens, read raw with the bot stopped. */
async function storedKeyIds(): Promise<string[]> {
  await h.stopBot();
  const { rows } = await h.rawDatabase();
  const account = rows.connected_accounts?.find((row) => row.status === 'ACTIVE');
  return [account?.access_token, account?.refresh_token].map((sealed) => String(sealed).split('.')[1] as string);
}

beforeAll(async () => {
  h = await startLocalHarness({ TOKEN_ENCRYPTION_KEY: keyA });
  seedInbox(h.gmail);
  await connectUser(h, user);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.slack.reset();
  h.provider.reset();
});

describe('key rotation', () => {
  it('seals everything under the only key at first', async () => {
    expect(await storedKeyIds()).toEqual([idOf(keyA), idOf(keyA)]);
  });

  it('still reads tokens sealed under A once B is put first, and writes nothing on a read', async () => {
    await h.restart({ TOKEN_ENCRYPTION_KEY: `${keyB},${keyA}` });
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    expect(h.provider.tokenCalls).toEqual([]);
    expect(h.logs.text).toContain('still use an older key');
    expect(await storedKeyIds()).toEqual([idOf(keyA), idOf(keyA)]);
  });

  it('moves both tokens to B at the next refresh', async () => {
    await h.restart({ TOKEN_ENCRYPTION_KEY: `${keyB},${keyA}` });
    h.advance(2 * 3600_000);
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    expect(refreshes()).toHaveLength(1);
    expect(await storedKeyIds()).toEqual([idOf(keyB), idOf(keyB)]);
  });

  it('works with A dropped once nothing uses it', async () => {
    await h.restart({ TOKEN_ENCRYPTION_KEY: keyB });
    expect(await unreadAnswer(h, user)).toContain('Lunch?');
    expect(h.provider.tokenCalls).toEqual([]);
  });

  it('asks the user to connect again when the key of their tokens is gone, and says why in the log', async () => {
    const lines = h.logs.lines.length;
    await h.restart({ TOKEN_ENCRYPTION_KEY: newKey() });
    await h.unread(user);
    const dm = await h.slack.waitFor(isDmTo(user, (text) => text.includes('/connect/')));
    expect(blocksText(dm.body)).toContain('Gmail');
    const since = h.logs.lines.slice(lines).join('\n');
    expect(since).toContain('no longer holds');
    expect(since).toContain('stored token cannot be decrypted');
    expect(since).toContain(idOf(keyB));
  });
});
