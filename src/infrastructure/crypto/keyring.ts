/**
 * AES-256-GCM encryption under a ring of keys, so keys can be rotated: the first key encrypts every
 * new value, and any key of the ring still decrypts what it wrote. Each sealed value names its key
 * by a short id (the first 8 hex digits of the key's SHA-256), which says nothing usable about the
 * key but lets a reader pick the right one and an operator see which records still use an old one.
 *
 * A sealed value is one string: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The caller
 * passes "associated data" naming where the value belongs (e.g. which account and which field), so
 * a ciphertext copied into another row fails to decrypt instead of handing one user another's token.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors.ts';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12; // the size GCM is specified for (NIST SP 800-38D); random per value
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export type UndecryptableReason = 'unknown-key' | 'malformed' | 'tampered';

/** A sealed value that cannot be opened; never carries the value or the key. */
export class UndecryptableError extends AppError {
  readonly reason: UndecryptableReason;
  readonly keyId: string | undefined;

  constructor(reason: UndecryptableReason, keyId?: string) {
    const why =
      reason === 'unknown-key'
        ? `it was written under key id ${keyId}, which the configured keys do not include`
        : reason === 'tampered'
          ? 'it was altered, or belongs to another record'
          : 'it is not in a known format';
    super('INTERNAL', `a stored secret cannot be decrypted: ${why}`);
    this.reason = reason;
    this.keyId = keyId;
  }
}

export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export class Keyring {
  private readonly keys = new Map<string, Uint8Array>();
  /** The id of the key new values are sealed under. */
  readonly currentKeyId: string;

  /** `keys[0]` seals new values; every key opens what it sealed. */
  constructor(keys: readonly Uint8Array[]) {
    const [first] = keys;
    if (!first) throw new Error('a keyring needs at least one key');
    for (const key of keys) {
      if (key.length !== KEY_BYTES) throw new Error(`keyring keys must be ${KEY_BYTES} bytes`);
      const id = keyIdOf(key);
      if (!this.keys.has(id)) this.keys.set(id, key);
    }
    this.currentKeyId = keyIdOf(first);
  }

  seal(plaintext: string, associatedData: string): string {
    const key = this.keys.get(this.currentKeyId) as Uint8Array;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [VERSION, this.currentKeyId, ...parts].join('.');
  }

  open(sealed: string, associatedData: string): string {
    const [version, keyId, iv, tag, ciphertext, ...rest] = sealed.split('.');
    if (version !== VERSION || !keyId || !iv || !tag || ciphertext === undefined || rest.length > 0) {
      throw new UndecryptableError('malformed');
    }
    const key = this.keys.get(keyId);
    if (!key) throw new UndecryptableError('unknown-key', keyId);
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new UndecryptableError('malformed', keyId);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, ivBytes, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new UndecryptableError('tampered', keyId);
    }
  }

  /** The key id a sealed value names, without opening it (undefined if it is not one). */
  static keyIdIn(sealed: string): string | undefined {
    const [version, keyId] = sealed.split('.');
    return version === VERSION ? keyId : undefined;
  }
}
