/**
 * Ours rather than oauth4webapi's generators: two calls to node:crypto, and the OAuth client beside
 * it stays ours (see oauthClient.ts), so the library would come for these lines alone.
 *
 * PKCE (RFC 7636) with the S256 method, and the hash `state` values are stored under. The verifier
 * is 32 random bytes in base64url: 43 characters, the shortest the RFC allows (43 to 128), with 256
 * bits of entropy.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** BASE64URL(SHA256(ASCII(verifier))), RFC 7636 §4.2. */
export function codeChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Only the hash of a `state` is stored: a leaked row cannot be turned into a working return. */
export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}
