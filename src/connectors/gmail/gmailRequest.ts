/**
 * One request to the Gmail API with a user's access token, read to the end: what came back
 * (status, body, Retry-After) for the caller to judge, or the network failure as a transient one
 * (retried by the caller's policy), or StoppedError when the user stopped the request.
 */
import { request, type Dispatcher } from 'undici';
import { StoppedError } from '../../core/errors.ts';
import { networkFailure } from './gmailErrors.ts';

export interface GmailAnswer {
  status: number;
  text: string;
  retryAfter: string | string[] | undefined;
}

export async function gmailRequest(
  step: string,
  url: string,
  options: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; token: string; body?: string; dispatcher: Dispatcher | undefined; timeoutMs: number; stopped?: AbortSignal | undefined },
): Promise<GmailAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await request(url, {
      method: options.method,
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      },
      body: options.body,
      dispatcher: options.dispatcher,
      signal: options.stopped ? AbortSignal.any([timeout, options.stopped]) : timeout,
    });
    // Read even when empty (204 on success), so the socket goes back to the pool.
    const text = await response.body.text();
    return { status: response.statusCode, text, retryAfter: response.headers['retry-after'] };
  } catch (error) {
    if (options.stopped?.aborted) throw new StoppedError();
    throw networkFailure(step, error);
  }
}
