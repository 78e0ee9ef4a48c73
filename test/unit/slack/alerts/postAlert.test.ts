/** Slack's answers to posting an alert, as the outbox understands them: retry, or a permanent reason. */
import { describe, expect, it } from 'vitest';
import { classify } from '../../../../src/slack/alerts/postAlert.ts';

const platform = (error: string) => ({ code: 'slack_webapi_platform_error', data: { ok: false, error } });

describe('classify', () => {
  it('retries a 429 after its Retry-After', () => {
    expect(classify({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 })).toEqual({ ok: false, retry: true, retryAfterMs: 7000 });
  });

  it('retries 5xx answers, network failures and anything unexpected', () => {
    expect(classify({ code: 'slack_webapi_http_error', statusCode: 503 })).toEqual({ ok: false, retry: true });
    expect(classify({ code: 'slack_webapi_request_error' })).toEqual({ ok: false, retry: true });
    expect(classify(new Error('socket hang up'))).toEqual({ ok: false, retry: true });
    expect(classify(platform('internal_error'))).toEqual({ ok: false, retry: true });
  });

  it('gives up on channels it cannot post in, with the reason', () => {
    expect(classify(platform('not_in_channel'))).toEqual({ ok: false, retry: false, reason: 'not_in_channel' });
    expect(classify(platform('channel_not_found'))).toEqual({ ok: false, retry: false, reason: 'channel_not_found' });
    expect(classify(platform('is_archived'))).toEqual({ ok: false, retry: false, reason: 'is_archived' });
  });

  it('calls any other refusal refused, and does not retry it', () => {
    expect(classify(platform('msg_too_long'))).toEqual({ ok: false, retry: false, reason: 'refused' });
    expect(classify({ code: 'slack_webapi_http_error', statusCode: 400 })).toEqual({ ok: false, retry: false, reason: 'refused' });
  });
});
