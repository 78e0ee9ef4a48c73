import { describe, expect, it } from 'vitest';
import {
  AppError,
  BadInputError,
  NeedsAuthorizationError,
  RateLimitedError,
  UpstreamUnauthorizedError,
  UpstreamUnavailableError,
} from '../../../src/core/errors.ts';
import { userMessageFor } from '../../../src/slack/errorMessages.ts';

const gmail = { connectorLabel: 'Gmail' };

describe('userMessageFor', () => {
  it.each([
    ['NEEDS_AUTHORIZATION', new NeedsAuthorizationError('gmail'), /permission to use Gmail/],
    ['UPSTREAM_UNAUTHORIZED', new UpstreamUnauthorizedError('Gmail'), /^Gmail didn't accept my access.*reconnect/],
    ['UPSTREAM_UNAVAILABLE', new UpstreamUnavailableError('Gmail', 'HTTP 503 backend error'), /^Gmail isn't answering right now; nothing was lost/],
    ['UPSTREAM_UNAVAILABLE (agent auth)', new UpstreamUnavailableError('Scalekit', 'connect ECONNREFUSED'), /^The service I use to reach Gmail isn't answering/],
    ['RATE_LIMITED', new RateLimitedError('Gmail', 90_000), /^Gmail is busy.*in about 2 minutes/],
    ['RATE_LIMITED (no retry-after)', new RateLimitedError('Gmail'), /in a minute or two/],
    ['BAD_INPUT', new BadInputError('This connection attempt has expired.'), /^This connection attempt has expired\.$/],
    ['INTERNAL', new AppError('INTERNAL', 'TypeError: x is undefined at foo.ts:12'), /^Sorry, something went wrong on my side/],
  ])('%s', (_code, error, expected) => {
    const line = userMessageFor(error, gmail);
    expect(line).toMatch(expected);
    expect(line).not.toMatch(/503|ECONNREFUSED|TypeError|Scalekit|\n/);
  });

  it('escapes a bad-input message, which may quote the user', () => {
    expect(userMessageFor(new BadInputError('Unknown <!channel> & co'))).toBe('Unknown &lt;!channel&gt; &amp; co');
  });

  it('names the service from the error when no label is given', () => {
    expect(userMessageFor(new UpstreamUnavailableError('Gmail', 'down'))).toMatch(/^Gmail isn't answering/);
    expect(userMessageFor(new AppError('UPSTREAM_UNAVAILABLE', 'x'))).toMatch(/^The service isn't answering/);
  });
});
