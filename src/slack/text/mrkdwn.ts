/**
 * Text helpers for Slack's mrkdwn: escaping untrusted text, cutting text to Block Kit limits
 * without breaking characters, cleaning text we did not write, decoding Slack's own escaping of
 * incoming text, and Slack's date token.
 *
 * Untrusted text (email senders, subjects, snippets, searches) is cleaned, escaped and placed in
 * `mrkdwn` text objects with `verbatim: true`, or put unescaped in `plain_text` objects.
 */

/**
 * Escapes the three characters Slack gives meaning to. That is what stops `<!channel>`,
 * `<@U123>` and `<https://x|y>` in someone's email from becoming mentions or disguised links.
 * Nothing else is escaped: Slack offers no escape for `*`, `_`, `~` or backticks.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// C0 controls except \t and \n, DEL, C1 controls, bidi embeddings/overrides/isolates: they can
// hide or reorder what a reader sees (e.g. make "evil.exe" look like "exe.live").
const UNSAFE_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
// Lone surrogates are not valid text; Slack would show garbage or refuse the payload.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes control and bidi-override characters (keeping \n and \t) and repairs lone surrogates. */
export function stripUnsafeChars(text: string): string {
  return text.replace(UNSAFE_CHARS, '').replace(LONE_SURROGATES, '\uFFFD');
}

/** Cleans untrusted text for a single line: unsafe characters removed, whitespace runs collapsed. */
export function oneLine(text: string): string {
  return stripUnsafeChars(text).replace(/\s+/g, ' ').trim();
}

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts `text` so that `measure(result)` is at most `maxChars`, ending with `…` when it cut.
 * Cuts between grapheme clusters (an emoji with its skin tone or ZWJ family stays whole); only a
 * single cluster longer than the whole budget (e.g. "zalgo" text) is cut between code points.
 * A surrogate pair is never split. Lengths are UTF-16 code units, which is never less than what
 * Slack counts, so the result is always inside the limit.
 */
function cut(text: string, maxChars: number, measure: (piece: string) => number): string {
  if (measure(text) <= maxChars) return text;
  const budget = maxChars - ELLIPSIS.length;
  if (budget < 0) return '';
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = measure(segment);
    if (used + size <= budget) {
      kept += segment;
      used += size;
      continue;
    }
    if (kept === '') {
      for (const codePoint of segment) {
        const cpSize = measure(codePoint);
        if (used + cpSize > budget) break;
        kept += codePoint;
        used += cpSize;
      }
    }
    break;
  }
  return kept + ELLIPSIS;
}

/** Cuts text to at most `maxChars` characters, ending with `…` when it cut. */
export function truncate(text: string, maxChars: number): string {
  return cut(text, maxChars, (piece) => piece.length);
}

/**
 * Escapes untrusted text and cuts it so that the escaped result is at most `maxChars` long.
 * Cutting before escaping could still overflow (`&` becomes five characters); cutting after
 * escaping could split an entity like `&amp;`. This does neither.
 */
export function escapeTruncated(text: string, maxChars: number): string {
  return escapeMrkdwn(cut(text, maxChars, (piece) => escapeMrkdwn(piece).length));
}

/**
 * Undoes Slack's encoding of text a user typed, as it arrives in slash commands and events:
 * `<mailto:a@b.c|a@b.c>`, `<https://x|x>` and `<#C1|general>` become what the user saw, then
 * `&lt;`, `&gt;`, `&amp;` are decoded. (User mentions should be removed before calling this.)
 */
export function decodeSlackText(text: string): string {
  return text
    .replace(/<([^<>|]*)\|([^<>]*)>/g, (_match, _target: string, label: string) => label)
    .replace(/<([^<>]*)>/g, (_match, target: string) => target.replace(/^mailto:/, ''))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** "2026-03-01 14:05 UTC": readable everywhere, even where Slack cannot render a date token. */
export function utcFallback(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Slack's date token. Slack renders it in the *viewer's* own time zone and says "Today" or
 * "Yesterday" where it fits, so the bot needs neither the user's time zone nor a locale, and a
 * message read tomorrow still reads right. Clients that cannot render it show `fallback`.
 */
export function slackDate(date: Date, fallback?: string): string {
  if (Number.isNaN(date.getTime())) return escapeMrkdwn(fallback ?? 'unknown date');
  const unix = Math.floor(date.getTime() / 1000);
  // `|` and `>` would end the token early; our fallback never has them, but be safe.
  const safeFallback = escapeMrkdwn(fallback ?? utcFallback(date)).replace(/\|/g, '/');
  return `<!date^${unix}^{date_short_pretty} at {time}|${safeFallback}>`;
}
