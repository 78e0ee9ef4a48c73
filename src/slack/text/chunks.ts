/**
 * Splits long untrusted text into escaped pieces that each fit a Block Kit text field, so a message
 * can carry all of it (a 2000-character alert of `&`s escapes to 10 000 characters: four sections)
 * rather than cutting it. Pieces break at a line end or a space when one is near, never inside an
 * escape entity or a grapheme cluster.
 */
import { escapeMrkdwn, stripUnsafeChars } from './mrkdwn.ts';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function escapedChunks(text: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let current: string[] = []; // escaped graphemes
  let length = 0;
  const flush = (upTo: number) => {
    pieces.push(current.slice(0, upTo).join(''));
    current = current.slice(upTo);
    length = current.reduce((sum, piece) => sum + piece.length, 0);
  };
  for (const { segment } of graphemes.segment(stripUnsafeChars(text))) {
    const escaped = escapeMrkdwn(segment).slice(0, maxChars);
    if (length + escaped.length > maxChars) {
      // Break at this space, else after the last newline or space in the second half of the piece, else right here.
      const breakAt = escaped.trim() === '' ? current.length : lastBreak(current);
      flush(breakAt > current.length / 2 ? breakAt : current.length);
    }
    current.push(escaped);
    length += escaped.length;
  }
  if (current.length > 0) flush(current.length);
  return pieces.map((piece) => piece.trim()).filter(Boolean);
}

function lastBreak(escaped: string[]): number {
  for (let i = escaped.length - 1; i >= 0; i--) if (escaped[i] === '\n' || escaped[i] === ' ') return i + 1;
  return -1;
}
