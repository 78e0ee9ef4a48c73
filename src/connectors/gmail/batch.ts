/**
 * Ours: no maintained Node library speaks Google's batch format apart from googleapis' whole client.
 *
 * Google's batch format (multipart/mixed of application/http parts): builds the request body and
 * reads the answer. Pure string work, kept apart from the HTTP client so odd formatting (LF-only
 * line ends, a preamble, folded headers, parts out of order) can be tested directly.
 */
import { randomBytes } from 'node:crypto';

export interface BatchRequestPart {
  /** Sent as `Content-ID: <id>`; Google answers with `<response-id>`. */
  contentId: string;
  method: string;
  /** Server-absolute path with query, e.g. `/gmail/v1/users/me/profile`. */
  path: string;
}

export interface BatchResponsePart {
  /** The request's id (without `response-` and angle brackets), when the part carried one. */
  contentId: string | undefined;
  status: number;
  /** Lower-case names; the first of repeated headers wins. */
  headers: Record<string, string>;
  body: string;
}

export function newBoundary(): string {
  return `batch_${randomBytes(12).toString('hex')}`;
}

/** The request body; inner requests carry no Authorization, so they use the outer request's. */
export function buildBatchBody(parts: readonly BatchRequestPart[], boundary: string): string {
  const lines: string[] = [];
  for (const part of parts) {
    lines.push(`--${boundary}`, 'Content-Type: application/http', `Content-ID: <${part.contentId}>`, '');
    lines.push(`${part.method} ${part.path}`, '');
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}

/** The boundary parameter of a multipart Content-Type, quoted or not. */
export function boundaryFrom(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Splits a multipart body into its parts; the preamble and epilogue are dropped. */
export function splitMultipart(body: string, boundary: string): string[][] {
  const delimiter = `--${boundary}`;
  const parts: string[][] = [];
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const bare = line.trimEnd();
    if (bare === delimiter || bare === `${delimiter}--`) {
      if (current) parts.push(current);
      if (bare !== delimiter) return parts;
      current = [];
    } else {
      current?.push(line);
    }
  }
  if (current) parts.push(current); // no closing delimiter: keep what came
  return parts;
}

/** Reads header lines up to the first blank one; continuation lines (leading whitespace) are unfolded. */
function readHeaders(lines: readonly string[], start: number): { headers: Record<string, string>; next: number } {
  const headers: Record<string, string> = {};
  let lastName: string | undefined;
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') return { headers, next: i + 1 };
    if (/^[ \t]/.test(line) && lastName !== undefined) {
      headers[lastName] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name in headers) {
      lastName = undefined; // a repeat: the first one wins, and its continuations are not ours
      continue;
    }
    headers[name] = line.slice(colon + 1).trim();
    lastName = name;
  }
  return { headers, next: i };
}

function requestIdOf(contentId: string | undefined): string | undefined {
  if (contentId === undefined) return undefined;
  const bare = contentId.trim().replace(/^<(.*)>$/, '$1');
  return bare.startsWith('response-') ? bare.slice('response-'.length) : bare;
}

/** One part: MIME headers, a blank line, then a whole HTTP response. Undefined when there is no status line. */
function parsePart(lines: readonly string[]): BatchResponsePart | undefined {
  const mime = readHeaders(lines, 0);
  let i = mime.next;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\b/.exec(lines[i] ?? '');
  if (!status) return undefined;
  const inner = readHeaders(lines, i + 1);
  return {
    contentId: requestIdOf(mime.headers['content-id']),
    status: Number(status[1]),
    headers: inner.headers,
    body: lines.slice(inner.next).join('\n').trim(),
  };
}

export function parseBatchResponse(body: string, boundary: string): BatchResponsePart[] {
  return splitMultipart(body, boundary)
    .map(parsePart)
    .filter((part): part is BatchResponsePart => part !== undefined);
}

/**
 * Pairs answers with requests by Content-ID. Google answers parts without an id in request order,
 * so an answer without one takes the position of its request. Requests left out are simply absent.
 */
export function matchParts(
  requestIds: readonly string[],
  parts: readonly BatchResponsePart[],
): Map<string, BatchResponsePart> {
  const matched = new Map<string, BatchResponsePart>();
  const wanted = new Set(requestIds);
  parts.forEach((part, index) => {
    const id = part.contentId ?? requestIds[index];
    if (id !== undefined && wanted.has(id) && !matched.has(id)) matched.set(id, part);
  });
  return matched;
}
