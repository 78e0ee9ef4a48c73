import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogRedactor } from '../../../src/infrastructure/logRedaction.ts';
import { createLogger } from '../../../src/infrastructure/logger.ts';

describe('LogRedactor', () => {
  const redactor = new LogRedactor(['my-client-secret-value']);

  it('removes token-shaped strings and known secrets', () => {
    const line = redactor.scrubString(
      'xoxb-123-456-abc Bearer ya29.a0AfH6 my-client-secret-value https://hooks.slack.com/commands/T1/2/abc ' +
        'http://bot/connect/AbCdEfGhIjKlMnOpQrSt ?code=4/xyz&state=s3cr3t',
    );
    expect(line).not.toMatch(/xoxb-123|ya29\.a0|my-client-secret-value|commands\/T1|AbCdEfGhIjKlMnOpQrSt|4\/xyz|s3cr3t/);
  });

  it('removes JWTs such as ID tokens from free text', () => {
    const idToken = 'eyJhbGciOiJSUzI1NiJ9.eyJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLWJ5dGVz';
    const line = redactor.scrubString(`token answer {"id_token":"${idToken}"} and ${idToken}`);
    expect(line).not.toMatch(/eyJlbWFp|c2lnbmF0dXJl/);
  });

  it('replaces values under sensitive keys, deeply, but keeps counts and codes', () => {
    const out = redactor.scrub({
      accessToken: 'abc',
      nested: { subject: 'Quarterly numbers', snippet: 'hello', count: 3, url: 'https://x', from: 'alice@example.com' },
      code: 'UPSTREAM_UNAVAILABLE',
      headers: { authorization: 'Basic Zm9vOmJhcg==' },
    }) as Record<string, any>;
    expect(JSON.stringify(out)).not.toMatch(/abc|Quarterly|hello|https:\/\/x|alice|Zm9v/);
    expect(out.nested.count).toBe(3);
    expect(out.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('scrubs errors and their causes', () => {
    const error = new Error('failed with Bearer abc.def', { cause: new Error('token=zzz') });
    const out = JSON.stringify(redactor.scrub({ err: error }));
    expect(out).not.toMatch(/abc\.def|zzz/);
    expect(out).toContain('failed with');
  });
});

describe('createLogger', () => {
  it('writes JSON lines with nothing secret in them', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'trace', knownSecrets: ['signing-secret-1234'], destination });
    logger.info({ token: 'xoxb-9-9-secret', user: 'U1' }, 'posting with signing-secret-1234');
    logger.error({ err: new Error('Bearer ya29.secret') }, 'failed');
    const text = lines.join('');
    expect(text).toContain('"user":"U1"');
    expect(text).not.toMatch(/xoxb-9|signing-secret-1234|ya29\.secret/);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
