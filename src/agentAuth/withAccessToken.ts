/**
 * Calls a provider API with the account's token, the way every connector needs it: on a 401 the
 * cached token is dropped and read once more; a second 401 means the grant is gone and the user
 * must authorize again.
 */
import { NeedsAuthorizationError, UpstreamUnauthorizedError } from '../core/errors.ts';
import type { AccountRef, AgentAuth } from './port.ts';

export async function withAccessToken<T>(
  auth: AgentAuth,
  ref: AccountRef,
  call: (accessToken: string) => Promise<T>,
): Promise<T> {
  const first = await auth.getAccessToken(ref);
  try {
    return await call(first.value);
  } catch (error) {
    if (!(error instanceof UpstreamUnauthorizedError)) throw error;
  }
  auth.invalidateToken(ref);
  const second = await auth.getAccessToken(ref, { forceFresh: true });
  try {
    return await call(second.value);
  } catch (error) {
    if (error instanceof UpstreamUnauthorizedError) {
      auth.invalidateToken(ref);
      throw new NeedsAuthorizationError(ref.connection, `${error.service} refused a fresh token`);
    }
    throw error;
  }
}
