/**
 * An in-memory cache of access tokens per account, used until shortly before they expire. Callers
 * that miss at the same moment share one read (single flight), so a burst of requests from one
 * user costs the agent-auth service one call.
 */
import type { AccessToken, AccountRef } from './port.ts';

interface Entry {
  token: AccessToken;
  useUntil: number;
}

export interface TokenCacheOptions {
  now: () => Date;
  refreshMarginMs: number;
  unknownExpiryTtlMs: number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  private readonly options: TokenCacheOptions;

  constructor(options: TokenCacheOptions) {
    this.options = options;
  }

  get(ref: AccountRef, read: () => Promise<AccessToken>): Promise<AccessToken> {
    const key = keyOf(ref);
    const now = this.options.now().getTime();
    const entry = this.entries.get(key);
    if (entry && entry.useUntil > now) return Promise.resolve(entry.token);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const reading = read()
      .then((token) => {
        const useUntil = token.expiresAt
          ? token.expiresAt.getTime() - this.options.refreshMarginMs
          : this.options.now().getTime() + this.options.unknownExpiryTtlMs;
        if (useUntil > this.options.now().getTime()) this.entries.set(key, { token, useUntil });
        return token;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, reading);
    return reading;
  }

  drop(ref: AccountRef): void {
    this.entries.delete(keyOf(ref));
  }
}

function keyOf(ref: AccountRef): string {
  return `${ref.connection}\u0000${ref.identifier}`;
}
