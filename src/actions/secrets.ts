/** Random tokens for links and browser sessions, and the hashes they are stored under. */
import { createHash, randomBytes } from 'node:crypto';

export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only hashes are stored: a leaked database row cannot be turned back into a working link. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
