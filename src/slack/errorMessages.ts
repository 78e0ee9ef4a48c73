/**
 * One short, plain line per error code: what the user sees when something goes wrong. Never a
 * stack trace or upstream text; only BadInputError's message is shown, as it is written for users.
 * The line is mrkdwn-ready (escaped): use it as a message's `text` or in a mrkdwn object.
 */
import { OverBudgetError, RateLimitedError, UpstreamUnavailableError, type AppError } from '../core/errors.ts';
import { escapeMrkdwn, oneLine, truncate } from './text/mrkdwn.ts';

const BAD_INPUT_MAX = 500;

export function userMessageFor(error: AppError, context: { connectorLabel?: string | undefined } = {}): string {
  const label = escapeMrkdwn(oneLine(context.connectorLabel ?? '') || 'the service');
  switch (error.code) {
    case 'NEEDS_AUTHORIZATION':
      return `I need your permission to use ${label} first; ask me again and I'll send you a link to connect it.`;
    case 'UPSTREAM_UNAUTHORIZED':
      return `${capitalize(label)} didn't accept my access to your account; please reconnect it and try again.`;
    case 'UPSTREAM_UNAVAILABLE':
      return `${capitalize(whoFailed(error, context.connectorLabel))} isn't answering right now; nothing was lost, please try again in a minute.`;
    case 'RATE_LIMITED':
      return `${capitalize(whoFailed(error, context.connectorLabel))} is busy and asked me to slow down; please try again ${retryIn(error)}.`;
    case 'OVER_BUDGET':
      return `You've asked me for this a lot in a short time, so I haven't done it; please try again ${waitFor(error)}.`;
    case 'BAD_INPUT':
      return escapeMrkdwn(truncate(oneLine(error.message), BAD_INPUT_MAX)) || 'I could not use that request.';
    case 'STOPPED':
      return 'Stopped, as you asked: nothing more was done.';
    case 'INTERNAL':
    default:
      return 'Sorry, something went wrong on my side. Please try again; if it keeps happening, tell the app\'s admins.';
  }
}

/**
 * Names the service in words a user knows: the connector ("Gmail") when it failed, and "the service
 * I use to reach Gmail" when it was the agent-auth service (whose name means nothing to users).
 */
function whoFailed(error: AppError, connectorLabel: string | undefined): string {
  const service = error instanceof UpstreamUnavailableError || error instanceof RateLimitedError ? error.service : '';
  const label = connectorLabel ? escapeMrkdwn(oneLine(connectorLabel)) : '';
  if (label && (!service || service.toLowerCase() === connectorLabel?.toLowerCase())) return label;
  if (label) return `the service I use to reach ${label}`;
  return service ? escapeMrkdwn(oneLine(service).slice(0, 40)) : 'the service';
}

function retryIn(error: AppError): string {
  const ms = error instanceof RateLimitedError ? error.retryAfterMs : undefined;
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return 'in a minute or two';
  if (ms < 60_000) return 'in a minute';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `in about ${minutes} minutes`;
  return 'in an hour or so';
}

/** When the user's own allowance is back, in words ("in 4 seconds", "in about 3 minutes"). */
export function waitFor(error: AppError): string {
  const ms = error instanceof OverBudgetError ? error.retryAfterMs : undefined;
  return retryWait(ms);
}

export function retryWait(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return 'in a moment';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `in about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return 'in an hour or so';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** When the bot has more work in hand than it takes on: the request was not started. */
export const BUSY_TEXT = "I'm handling a lot of requests right now and couldn't take that one on; nothing was done, please try again in a minute.";

/** A background task's `onBusy`: the user hears that nothing was done. */
export function tellBusy(reply: { send(message: { text: string }): Promise<unknown> }): () => Promise<void> {
  return async () => {
    await reply.send({ text: BUSY_TEXT });
  };
}
