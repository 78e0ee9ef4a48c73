/**
 * The account's address from an OpenID Connect ID token, for telling the user which account they
 * connected ("Connected Gmail as alice@example.com").
 *
 * The signature is not checked: OpenID Connect Core 1.0 §3.1.3.7 (point 6) lets a client skip it for
 * an ID token it received directly from the token endpoint over TLS, which is the only place this
 * one comes from (the bot's own code exchange, server to server). The claims that say whom the
 * token is for and whether the address is proven are still checked: the audience must be this
 * client, and the provider must vouch for the address (`email_verified`). Anything else, or no ID
 * token at all, gives no address: the DM then names none.
 */
import { decodeJwt } from 'jose';
import { z } from 'zod';

const claimsSchema = z.object({
  aud: z.union([z.string(), z.array(z.string())]),
  azp: z.string().optional(),
  email: z.email().max(320).optional(),
  // Google sends a boolean; some providers send the string "true".
  email_verified: z.union([z.boolean(), z.literal('true').transform(() => true), z.literal('false').transform(() => false)]).optional(),
});

export function verifiedAddressOf(idToken: string | undefined, clientId: string): string | undefined {
  if (!idToken) return undefined;
  let payload: unknown;
  try {
    payload = decodeJwt(idToken);
  } catch {
    return undefined;
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return undefined;
  const { aud, azp, email, email_verified: verified } = claims.data;
  if (!isForClient(aud, azp, clientId)) return undefined;
  return verified === true ? email : undefined;
}

/** OIDC Core §3.1.3.7 points 3 and 4: the client is an audience, and the authorized party when there are others. */
function isForClient(aud: string | string[], azp: string | undefined, clientId: string): boolean {
  if (typeof aud === 'string') return aud === clientId;
  if (!aud.includes(clientId)) return false;
  return aud.length === 1 || azp === clientId;
}
