/**
 * Turns Gmail's JSON answers into the plain text the actions show: checks their shape, picks
 * headers, decodes RFC 2047 encoded-words that Gmail left encoded, unescapes snippets and drops the
 * invisible padding marketing mail puts in them. Pure functions, no I/O.
 */
import { decodeHTMLStrict } from 'entities';
import { z } from 'zod';
import { UpstreamUnavailableError } from '../../core/errors.ts';
import type { EmailSummary } from './types.ts';

/** What we read of Gmail's answers (list, messages.get with format=metadata, profile); the rest is ignored. */
export const listSchema = z.object({
  messages: z.array(z.object({ id: z.string() })).optional(),
  resultSizeEstimate: z.number().optional(),
  nextPageToken: z.string().optional(),
});
export const messageSchema = z.object({
  id: z.string(),
  threadId: z.string().optional(),
  snippet: z.string().optional(),
  internalDate: z.string().optional(),
  payload: z.object({ headers: z.array(z.object({ name: z.string(), value: z.string() })).optional() }).optional(),
});
export const profileSchema = z.object({ emailAddress: z.string().optional() });

export type RawMessage = z.infer<typeof messageSchema>;
export type RawHeader = { name: string; value: string };

/** JSON of the expected shape, or a clear error that quotes nothing of the answer. */
export function parseAnswer<T>(schema: z.ZodType<T>, text: string, step: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const result = schema.safeParse(data);
  if (!result.success) throw new UpstreamUnavailableError('Gmail', `${step} got an unreadable answer`);
  return result.data;
}

/** The first header with that name, compared case-insensitively; repeats are ignored. */
export function pickHeader(headers: readonly RawHeader[] | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers?.find((header) => header.name.toLowerCase() === wanted)?.value;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes `=?charset?B|Q?text?=` words; a malformed word or one in an unknown charset stays as it was.
 * Ours rather than libmime's decodeWords, which silently drops a malformed word and guesses an unknown
 * charset: a subject must never lose text, and TextDecoder already knows every charset WHATWG names.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  // Adjacent words in one charset are decoded together: a multi-byte character may be split between them.
  let pending: { charset: string; bytes: number[] } | undefined;
  let out = '';
  let last = 0;
  const flush = () => {
    if (pending) out += new TextDecoder(pending.charset).decode(Uint8Array.from(pending.bytes));
    pending = undefined;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [raw, charsetSpec = '', encoding = '', text = ''] = match;
    const between = value.slice(last, match.index);
    last = match.index + raw.length;
    // RFC 2231 allows a language after the charset: utf-8*en.
    const charset = charsetSpec.split('*')[0]!.toLowerCase();
    const bytes = knownCharset(charset) ? (encoding.toUpperCase() === 'B' ? base64Bytes(text) : qBytes(text)) : undefined;
    // Whitespace between two encoded-words is not part of the text (RFC 2047 §6.2).
    const joinsPrevious = pending !== undefined && /^\s*$/.test(between);
    if (bytes && joinsPrevious && pending?.charset === charset) {
      pending.bytes.push(...bytes);
      continue;
    }
    flush();
    if (!bytes) {
      out += between + raw;
      continue;
    }
    if (!joinsPrevious) out += between;
    pending = { charset, bytes: [...bytes] };
  }
  flush();
  return out + value.slice(last);
}

function knownCharset(charset: string): boolean {
  try {
    new TextDecoder(charset);
    return true;
  } catch {
    return false;
  }
}

function base64Bytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function qBytes(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '_') bytes.push(0x20);
    else if (char === '=') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(char.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(bytes);
}

/**
 * Unescapes HTML entities (every one HTML5 names, and numeric ones) in one pass, so `&amp;lt;`
 * becomes `&lt;`, not `<`. Strict: only entities closed by `;`, as Gmail writes them; `&copy`
 * without one is plain text.
 */
export function decodeHtmlEntities(text: string): string {
  return decodeHTMLStrict(text);
}

// Invisible characters used as preheader padding. A zero-width joiner inside an emoji sequence
// (👩‍💻) is kept: removing it would split the emoji in two.
const INVISIBLE =
  /(?<![\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F])\u200D|\u200D(?!\p{Extended_Pictographic})|[\u200B\u200C\u2060\uFEFF\u034F\u00AD]/gu;

/** Snippet as shown: entities decoded, invisible padding removed, whitespace runs collapsed. */
export function cleanSnippet(snippet: string): string {
  return decodeHtmlEntities(snippet).replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/** internalDate (ms since epoch, as a string) first, then the Date header, then the epoch. */
export function receivedAt(internalDate: string | undefined, dateHeader: string | undefined): Date {
  if (internalDate !== undefined && /^\d+$/.test(internalDate.trim())) return new Date(Number(internalDate));
  const parsed = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
  return new Date(Number.isNaN(parsed) ? 0 : parsed);
}

export function toEmailSummary(message: RawMessage): EmailSummary {
  const headers = message.payload?.headers;
  return {
    id: message.id,
    threadId: message.threadId ?? message.id,
    from: decodeEncodedWords(pickHeader(headers, 'From') ?? '').trim(),
    subject: decodeEncodedWords(pickHeader(headers, 'Subject') ?? '').trim(),
    receivedAt: receivedAt(message.internalDate, pickHeader(headers, 'Date')),
    snippet: cleanSnippet(message.snippet ?? ''),
  };
}

/** Newest first; equal times keep Gmail's order. */
export function newestFirst(emails: EmailSummary[]): EmailSummary[] {
  return [...emails].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
}
