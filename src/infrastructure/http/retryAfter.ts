/**
 * Ours, with retry.ts (see there why): undici's RetryAgent keeps its Retry-After parser private,
 * and these few lines are tested against both forms the RFC allows.
 *
 * Reads an HTTP Retry-After header (RFC 9110 §10.2.3) into milliseconds from now. Servers send either
 * delay-seconds or an HTTP date; anything else is ignored rather than guessed at.
 */

/** Milliseconds to wait, or undefined when the header is absent or unreadable. Never negative. */
export function parseRetryAfter(
  value: string | readonly string[] | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '') return undefined;

  if (/^\d+$/.test(text)) return Number(text) * 1000;

  // A date only counts if it looks like one: Date.parse accepts odd strings such as "1.5".
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
