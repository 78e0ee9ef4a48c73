/**
 * Seals and opens the secrets the built-in backend stores: access and refresh tokens, and PKCE
 * verifiers. Each sealed value is bound to its place (account and field, or flow) through the
 * cipher's associated data, so a value moved to another row does not open.
 */
import type { Keyring } from '../../infrastructure/crypto/keyring.ts';
import type { AccountRef } from '../port.ts';

export type TokenKind = 'access' | 'refresh';

export class TokenVault {
  private readonly keyring: Keyring;

  constructor(keyring: Keyring) {
    this.keyring = keyring;
  }

  /** The id of the key new values are sealed under. */
  get currentKeyId(): string {
    return this.keyring.currentKeyId;
  }

  sealToken(ref: AccountRef, kind: TokenKind, token: string): string {
    return this.keyring.seal(token, tokenPlace(ref, kind));
  }

  /** Throws UndecryptableError when the value cannot be opened. */
  openToken(ref: AccountRef, kind: TokenKind, sealed: string): string {
    return this.keyring.open(sealed, tokenPlace(ref, kind));
  }

  sealVerifier(stateHash: string, verifier: string): string {
    return this.keyring.seal(verifier, `oauth-flow\u0000${stateHash}`);
  }

  openVerifier(stateHash: string, sealed: string): string {
    return this.keyring.open(sealed, `oauth-flow\u0000${stateHash}`);
  }
}

function tokenPlace(ref: AccountRef, kind: TokenKind): string {
  return `connected-account\u0000${ref.connection}\u0000${ref.identifier}\u0000${kind}`;
}
