/** The vault: AES-256-GCM round trips, tamper detection, binding to a row, and key rotation. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring, keyIdOf, UndecryptableError } from '../../../../src/infrastructure/crypto/keyring.ts';
import { TokenVault } from '../../../../src/agentAuth/local/tokenVault.ts';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const alice = { connection: 'gmail', identifier: 'slack:T:T1:U1' };
const bob = { connection: 'gmail', identifier: 'slack:T:T1:U2' };
const token = 'ya29.a0-access-token-value';

function reasonOf(open: () => unknown): string {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(UndecryptableError);
    expect((error as Error).message).not.toContain(token);
    return (error as UndecryptableError).reason;
  }
  throw new Error('expected the value not to open');
}

/** Flips one bit of the base64url part at `index` of a sealed value. */
function flip(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] as string, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('the token vault', () => {
  const vault = new TokenVault(new Keyring([keyA]));

  it('opens what it sealed, and seals nothing in plain text', () => {
    const sealed = vault.sealToken(alice, 'access', token);
    expect(sealed).not.toContain(token);
    expect(sealed).not.toContain(Buffer.from(token).toString('base64'));
    expect(sealed.split('.')).toHaveLength(5);
    expect(vault.openToken(alice, 'access', sealed)).toBe(token);
  });

  it('uses a fresh IV every time', () => {
    const one = vault.sealToken(alice, 'access', token);
    const two = vault.sealToken(alice, 'access', token);
    expect(one).not.toBe(two);
    expect(one.split('.')[2]).not.toBe(two.split('.')[2]);
    expect(Buffer.from(one.split('.')[2] as string, 'base64url')).toHaveLength(12);
  });

  it('detects any change to the IV, the tag or the ciphertext', () => {
    const sealed = vault.sealToken(alice, 'refresh', token);
    for (const index of [2, 3, 4]) expect(reasonOf(() => vault.openToken(alice, 'refresh', flip(sealed, index)))).toBe('tampered');
  });

  it('does not open a value moved to another account or field', () => {
    const sealed = vault.sealToken(alice, 'refresh', token);
    expect(reasonOf(() => vault.openToken(bob, 'refresh', sealed))).toBe('tampered');
    expect(reasonOf(() => vault.openToken(alice, 'access', sealed))).toBe('tampered');
    const verifier = vault.sealVerifier('hash-1', 'verifier');
    expect(reasonOf(() => vault.openVerifier('hash-2', verifier))).toBe('tampered');
  });

  it('names a missing key and refuses what is not a sealed value', () => {
    const sealed = new TokenVault(new Keyring([keyB])).sealToken(alice, 'access', token);
    expect(reasonOf(() => vault.openToken(alice, 'access', sealed))).toBe('unknown-key');
    expect(reasonOf(() => vault.openToken(alice, 'access', token))).toBe('malformed');
    expect(reasonOf(() => vault.openToken(alice, 'access', 'v1.abc.def'))).toBe('malformed');
  });
});

describe('key rotation', () => {
  it('keeps old values readable after a new key is put first, and seals new ones under it', () => {
    const before = new TokenVault(new Keyring([keyA]));
    const old = before.sealToken(alice, 'refresh', token);
    expect(Keyring.keyIdIn(old)).toBe(keyIdOf(keyA));

    const after = new TokenVault(new Keyring([keyB, keyA]));
    expect(after.currentKeyId).toBe(keyIdOf(keyB));
    expect(after.openToken(alice, 'refresh', old)).toBe(token);
    const fresh = after.sealToken(alice, 'refresh', token);
    expect(Keyring.keyIdIn(fresh)).toBe(keyIdOf(keyB));
    // Once the old key is dropped, only what was sealed under the new one still opens.
    const onlyNew = new TokenVault(new Keyring([keyB]));
    expect(onlyNew.openToken(alice, 'refresh', fresh)).toBe(token);
    expect(reasonOf(() => onlyNew.openToken(alice, 'refresh', old))).toBe('unknown-key');
  });

  it('derives short, stable key ids that differ between keys', () => {
    expect(keyIdOf(keyA)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdOf(keyA)).toBe(keyIdOf(Buffer.from(keyA)));
    expect(keyIdOf(keyA)).not.toBe(keyIdOf(keyB));
  });

  it('refuses keys of the wrong size', () => {
    expect(() => new Keyring([randomBytes(16)])).toThrow(/32 bytes/);
    expect(() => new Keyring([])).toThrow();
  });
});
