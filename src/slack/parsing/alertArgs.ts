/**
 * Reads the text after `/alert`: `[#channel] [critical|warning|info] [@channel] message`, the leading
 * options in any order. Slack sends a channel as `<#C123|name>` (or `<#C123>`) when the command
 * escapes channels, and as the typed `#name` when it does not; `@channel` arrives as `<!channel>` or
 * as typed. The message is what the user saw (Slack's escaping undone), kept on its lines.
 * The token readers are shared with the mention parser (intent.ts).
 */
import { ALERT_TEXT_MAX, DEFAULT_SEVERITY, type AlertRequest, type Severity } from '../../actions/alerts/alert.ts';
import { decodeSlackText, stripUnsafeChars } from '../text/mrkdwn.ts';

export const ALERT_USAGE = '/alert [#channel] [critical|warning|info] [@channel] message';
export const ALERT_EXAMPLE = '/alert #ops critical db down';

export type AlertArgs = { ok: true; request: AlertRequest & { severity: Severity; mentionChannel: boolean } } | { ok: false; problem: string };

const SEVERITY_WORDS: Record<string, Severity> = {
  critical: 'critical', crit: 'critical', urgent: 'critical', sev1: 'critical',
  warning: 'warning', warn: 'warning',
  info: 'info', fyi: 'info', notice: 'info',
};

/** `<#C123|ops>`, `<#C123>` → the id; `#ops` → the name (lower case, as Slack keeps names). */
export function channelToken(token: string): string | undefined {
  const escaped = /^<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>$/.exec(token);
  if (escaped) return escaped[1];
  const typed = /^#([\p{L}\p{N}_][\p{L}\p{N}\p{M}._-]{0,79})$/u.exec(token);
  return typed ? typed[1]!.toLowerCase() : undefined;
}

export function severityToken(token: string): Severity | undefined {
  return SEVERITY_WORDS[token.toLowerCase().replace(/(?<![:!,])[:!,]+$/, '')];
}

/** `@channel`, `@here`, and Slack's `<!channel>`, `<!here>`: the sender asks to notify the channel. */
export function isChannelMention(token: string): boolean {
  return /^(<!(channel|here)(\|[^<>]*)?>|@(channel|here))[:!,]*$/i.test(token);
}

/** The message as the user saw it: Slack's markup undone, unsafe characters dropped, lines kept. */
export function alertText(raw: string): string {
  // A broadcast inside the message is kept as the words the sender typed ("@here"), never as one.
  // `[^<>]`, not `[^>]`: a label never holds `<`, and an unclosed one then fails at the next `<`
  // instead of scanning to the end from every `<!here|` (quadratic on 40,000 characters).
  const spelled = raw.replace(/<!(channel|here|everyone)(\|[^<>]*)?>/g, '@$1');
  return stripUnsafeChars(decodeSlackText(spelled))
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trimEnd())
    .join('\n')
    .replace(/^[\s:–—-]+/, '')
    .trim();
}

export function parseAlertArgs(text: string): AlertArgs {
  let rest = text.trim();
  let channel: string | undefined;
  let severity: Severity | undefined;
  let mentionChannel = false;
  // Leading options, each once, in any order; the first word that is none of them starts the message.
  for (;;) {
    const match = /^(\S+)\s*/.exec(rest);
    const token = match?.[1]?.replace(/(?<![:,])[:,]+$/, '') ?? '';
    const asChannel = channelToken(token);
    const asSeverity = severityToken(token);
    if (asChannel !== undefined && channel === undefined) channel = asChannel;
    else if (asSeverity !== undefined && severity === undefined) severity = asSeverity;
    else if (isChannelMention(token) && !mentionChannel) mentionChannel = true;
    else break;
    rest = rest.slice(match![0].length);
  }
  const message = alertText(rest);
  if (!message) return { ok: false, problem: `What should the alert say? Usage: ${ALERT_USAGE}, e.g. ${ALERT_EXAMPLE}` };
  if (message.length > ALERT_TEXT_MAX) {
    return { ok: false, problem: `That alert is ${message.length} characters long; ${ALERT_TEXT_MAX} at most.` };
  }
  return {
    ok: true,
    request: { ...(channel ? { channel } : {}), severity: severity ?? DEFAULT_SEVERITY, text: message, mentionChannel },
  };
}
