/**
 * The bot's cookies: the session binds the browser that opened a connect link to that link; the
 * sign-in cookie holds that browser's pending Sign in with Slack. On https both carry the `__Host-`
 * prefix (Secure, Path=/, no Domain), so no sibling subdomain or plain-http page can set them.
 */
import type { IncomingMessage } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { PendingSignIn } from '../actions/browserAuthorization.ts';

const SESSION = 'agent_auth_session';
const SIGN_IN = 'agent_auth_signin';

export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${SESSION}` : SESSION;
}

export function signInCookieName(secure: boolean): string {
  return secure ? `__Host-${SIGN_IN}` : SIGN_IN;
}

function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  // Lax: the browser comes back to us by a top-level redirect from Slack or the provider, which Lax allows.
  return stringifySetCookie({ name, value, path: '/', maxAge: Math.max(0, maxAgeSeconds), httpOnly: true, sameSite: 'lax', secure });
}

const secondsUntil = (expiresAt: Date) => Math.floor((expiresAt.getTime() - Date.now()) / 1000);

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return cookie(sessionCookieName(secure), token, secondsUntil(expiresAt), secure);
}

export function clearedSessionCookie(secure: boolean): string {
  return cookie(sessionCookieName(secure), '', 0, secure);
}

/** The three values are base64url, so a dot separates them unambiguously. */
export function signInCookie(pending: PendingSignIn, expiresAt: Date, secure: boolean): string {
  return cookie(signInCookieName(secure), `${pending.linkToken}.${pending.state}.${pending.nonce}`, secondsUntil(expiresAt), secure);
}

export function clearedSignInCookie(secure: boolean): string {
  return cookie(signInCookieName(secure), '', 0, secure);
}

export function readSignInCookie(req: IncomingMessage, secure: boolean): PendingSignIn | undefined {
  const [linkToken, state, nonce, ...rest] = (readCookie(req, signInCookieName(secure)) ?? '').split('.');
  if (!linkToken || !state || !nonce || rest.length > 0) return undefined;
  return { linkToken, state, nonce };
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookie(header)[name] || undefined : undefined;
}
