/**
 * Slack's request signature (v0 HMAC-SHA256 over `v0:timestamp:body`), compared in constant time,
 * with the timestamp within five minutes of now either way: a request from further ahead is as
 * suspect as a replay from further behind.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function checkSignature(
  secret: string,
  headers: { signature: unknown; timestamp: unknown },
  rawBody: Buffer,
  nowMs: number = Date.now(),
): SignatureCheck {
  if (typeof headers.signature !== 'string' || typeof headers.timestamp !== 'string') return { ok: false, reason: 'missing signature headers' };
  if (!/^\d{1,12}$/.test(headers.timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const timestamp = Number(headers.timestamp);
  if (Math.abs(nowMs / 1000 - timestamp) > SIGNATURE_WINDOW_SECONDS) return { ok: false, reason: 'timestamp outside the five-minute window' };
  const match = /^v0=([0-9a-f]{64})$/.exec(headers.signature);
  if (!match?.[1]) return { ok: false, reason: 'unknown signature version or shape' };
  const expected = createHmac('sha256', secret).update(`v0:${headers.timestamp}:`).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}
