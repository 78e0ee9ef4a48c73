/**
 * Posts to a response_url: the private channel back to whoever ran a slash command or pressed a
 * button. Bolt's respond() does the same through fetch; undici's request on the shared keep-alive
 * pool is about 1 ms quicker per answer (measured by `npm run bench`), and the post gets a deadline
 * of its own, so an answer that Slack does not take in time goes to the user's DM (see replies.ts)
 * instead of hanging for the pool's 15 s.
 */
import type { KnownBlock } from '@slack/types';
import { request, type Dispatcher } from 'undici';

export interface ResponseMessage {
  text: string;
  blocks?: KnownBlock[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  delete_original?: boolean;
}

export type Respond = (message: ResponseMessage) => Promise<void>;

/** A `Respond` for one response_url (from a request whose signature Bolt has verified). */
export type RespondTo = (responseUrl: string) => Respond;

/** Slack refused or never answered the post; the message says which, never the URL (it is a credential). */
export class ResponseUrlError extends Error {
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ResponseUrlError';
    this.status = status;
  }
}

export function createResponder(dispatcher: Dispatcher, options: { timeoutMs?: number } = {}): RespondTo {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return (responseUrl) => async (message) => {
    let status: number;
    try {
      const answer = await request(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(message),
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = answer.statusCode;
      await answer.body.dump();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ResponseUrlError(timedOut ? `the response_url did not answer within ${timeoutMs} ms` : 'the response_url could not be reached');
    }
    // Slack answers 404 for an expired URL and 4xx/5xx once its five posts are used up.
    if (status < 200 || status >= 300) throw new ResponseUrlError(`the response_url refused the post with HTTP ${status}`, status);
  };
}
