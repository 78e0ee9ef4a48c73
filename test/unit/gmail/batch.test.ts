import { describe, expect, it } from 'vitest';
import {
  boundaryFrom,
  buildBatchBody,
  matchParts,
  newBoundary,
  parseBatchResponse,
  splitMultipart,
} from '../../../src/connectors/gmail/batch.ts';

describe('buildBatchBody', () => {
  it('writes one application/http part per call, CRLF line ends, and a closing delimiter', () => {
    const body = buildBatchBody(
      [
        { contentId: 'item-1', method: 'GET', path: '/gmail/v1/users/me/messages/a1?format=metadata' },
        { contentId: 'item-2', method: 'GET', path: '/gmail/v1/users/me/profile' },
      ],
      'B',
    );
    expect(body).toBe(
      [
        '--B',
        'Content-Type: application/http',
        'Content-ID: <item-1>',
        '',
        'GET /gmail/v1/users/me/messages/a1?format=metadata',
        '',
        '--B',
        'Content-Type: application/http',
        'Content-ID: <item-2>',
        '',
        'GET /gmail/v1/users/me/profile',
        '',
        '--B--',
        '',
      ].join('\r\n'),
    );
  });

  it('makes boundaries that differ and need no quoting', () => {
    const a = newBoundary();
    expect(a).toMatch(/^batch_[0-9a-f]{24}$/);
    expect(newBoundary()).not.toBe(a);
  });
});

describe('boundaryFrom', () => {
  it('reads plain and quoted boundaries, any case and spacing', () => {
    expect(boundaryFrom('multipart/mixed; boundary=batch_abc')).toBe('batch_abc');
    expect(boundaryFrom('Multipart/Mixed;BOUNDARY="a b:c"; charset=utf-8')).toBe('a b:c');
    expect(boundaryFrom('multipart/mixed; charset=utf-8; boundary = x1')).toBe('x1');
  });

  it('refuses what is not multipart or has no boundary', () => {
    expect(boundaryFrom('application/json; boundary=x')).toBeUndefined();
    expect(boundaryFrom('multipart/mixed')).toBeUndefined();
    expect(boundaryFrom(undefined)).toBeUndefined();
  });
});

const GOOGLE_STYLE = [
  '--batch_Xy',
  'Content-Type: application/http',
  'Content-ID: <response-item-2>',
  '',
  'HTTP/1.1 200 OK',
  'Content-Type: application/json; charset=UTF-8',
  'Vary: Origin',
  'Vary: X-Origin',
  '',
  '{',
  '  "emailAddress": "me@example.com"',
  '}',
  '',
  '--batch_Xy',
  'Content-Type: application/http',
  'Content-ID: <response-item-1>',
  '',
  'HTTP/1.1 429 Too Many Requests',
  'Content-Type: application/json; charset=UTF-8',
  'Retry-After: 3',
  '',
  '{"error":{"code":429,"errors":[{"reason":"rateLimitExceeded"}]}}',
  '',
  '--batch_Xy--',
  '',
];

describe('parseBatchResponse', () => {
  it('reads each part: Content-ID without the response- prefix, status, inner headers, body', () => {
    const parts = parseBatchResponse(GOOGLE_STYLE.join('\r\n'), 'batch_Xy');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({ contentId: 'item-2', status: 200, headers: { vary: 'Origin' } });
    expect(JSON.parse(parts[0]!.body)).toEqual({ emailAddress: 'me@example.com' });
    expect(parts[1]).toMatchObject({ contentId: 'item-1', status: 429, headers: { 'retry-after': '3' } });
  });

  it('accepts LF-only line ends, a preamble, an epilogue and trailing spaces after delimiters', () => {
    const text = ['This is a preamble.', ...GOOGLE_STYLE.map((line) => (line.startsWith('--') ? `${line}  ` : line)), 'epilogue'].join('\n');
    const parts = parseBatchResponse(text, 'batch_Xy');
    expect(parts.map((part) => [part.contentId, part.status])).toEqual([
      ['item-2', 200],
      ['item-1', 429],
    ]);
  });

  it('unfolds continued header lines and keeps the first of repeated ones', () => {
    const text = [
      '--b',
      'Content-ID: <response-item-1>',
      '',
      'HTTP/1.1 503 Service Unavailable',
      'X-Note: first',
      '  continued',
      'X-Note: second',
      '',
      '{}',
      '--b--',
    ].join('\r\n');
    expect(parseBatchResponse(text, 'b')[0]!.headers['x-note']).toBe('first continued');
  });

  it('skips a part without an HTTP status line, and keeps parts when the closing delimiter is missing', () => {
    const text = ['--b', 'Content-ID: <response-item-1>', '', 'garbage', '--b', 'Content-ID: <response-item-2>', '', 'HTTP/1.1 404 Not Found', '', '{}'].join('\n');
    expect(parseBatchResponse(text, 'b').map((part) => [part.contentId, part.status])).toEqual([['item-2', 404]]);
  });

  it('does not mistake a line that only starts with the boundary for a delimiter', () => {
    expect(splitMultipart('--b\nx\n--bb\ny\n--b--', 'b')).toEqual([['x', '--bb', 'y']]);
  });
});

describe('matchParts', () => {
  const part = (contentId: string | undefined, status = 200) => ({ contentId, status, headers: {}, body: '' });

  it('matches by Content-ID whatever the order', () => {
    const matched = matchParts(['item-1', 'item-2'], [part('item-2', 201), part('item-1', 202)]);
    expect(matched.get('item-1')?.status).toBe(202);
    expect(matched.get('item-2')?.status).toBe(201);
  });

  it('falls back to position for parts without a Content-ID', () => {
    const matched = matchParts(['item-1', 'item-2'], [part(undefined, 201), part(undefined, 202)]);
    expect(matched.get('item-2')?.status).toBe(202);
  });

  it('ignores unknown ids and duplicates, and leaves missing answers absent', () => {
    const matched = matchParts(['item-1', 'item-2'], [part('item-9'), part('item-1', 201), part('item-1', 500)]);
    expect([...matched.keys()]).toEqual(['item-1']);
    expect(matched.get('item-1')?.status).toBe(201);
  });
});
