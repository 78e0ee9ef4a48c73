/**
 * Reads a signed Slack body defensively: form or JSON, a nesting limit checked before parsing, and
 * the type of every field Bolt or our listeners rely on. Anything else is refused with a reason,
 * so Bolt only ever sees bodies of the shapes Slack documents.
 */

export const MAX_JSON_DEPTH = 32;

export type ReadBody =
  | { kind: 'ssl_check' }
  | { kind: 'url_verification'; challenge: string }
  | { kind: 'app_rate_limited' }
  | { kind: 'dispatch'; body: Record<string, unknown> }
  | { kind: 'refused'; reason: string };

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const refused = (reason: string): ReadBody => ({ kind: 'refused', reason });

/** Deeper than `max` brackets outside strings, counted in one pass without building anything. */
export function tooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (tooDeep(text)) return { ok: false, reason: 'JSON nested too deep' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
}

/** Strict application/x-www-form-urlencoded: bad percent-encoding and repeated fields are refused. */
function parseForm(text: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  if (text.length === 0) return fields;
  for (const pair of text.split('&')) {
    const at = pair.indexOf('=');
    const [rawKey, rawValue] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    try {
      const key = decodeURIComponent(rawKey.replaceAll('+', ' '));
      if (fields.has(key)) return undefined;
      fields.set(key, decodeURIComponent(rawValue.replaceAll('+', ' ')));
    } catch {
      return undefined;
    }
  }
  return fields;
}

const SLASH_COMMAND_FIELDS = ['command', 'team_id', 'user_id', 'response_url'] as const;

function slashCommand(fields: Map<string, string>): ReadBody {
  for (const name of SLASH_COMMAND_FIELDS) if (!fields.get(name)) return refused(`slash command without ${name}`);
  if (!/^\/[^\s/]{1,64}$/.test(fields.get('command') ?? '')) return refused('malformed command name');
  return { kind: 'dispatch', body: Object.fromEntries(fields) };
}

const INTERACTIVE_TYPES = new Set(['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion', 'interactive_message', 'dialog_submission']);

function interactivePayload(payload: unknown): ReadBody {
  if (!isObject(payload)) return refused('payload is not an object');
  if (!isString(payload.type) || !INTERACTIVE_TYPES.has(payload.type)) return refused('unknown payload type');
  if (!isObject(payload.user) || !isString(payload.user.id)) return refused('payload without a user id');
  if (!optional(payload.team, (t) => t === null || (isObject(t) && isString(t.id)))) return refused('malformed team');
  if (!optional(payload.enterprise, (e) => e === null || (isObject(e) && isString(e.id)))) return refused('malformed enterprise');
  for (const name of ['response_url', 'trigger_id', 'api_app_id', 'callback_id', 'action_ts', 'message_ts']) {
    if (!optional(payload[name], isString)) return refused(`malformed ${name}`);
  }
  for (const name of ['channel', 'container', 'message', 'view']) {
    if (!optional(payload[name], (v) => v === null || isObject(v))) return refused(`malformed ${name}`);
  }
  if (isObject(payload.channel) && !isString(payload.channel.id)) return refused('malformed channel id');
  if (payload.type === 'block_actions' || payload.type === 'interactive_message') {
    const actions = payload.actions;
    if (!Array.isArray(actions) || actions.length === 0) return refused('actions payload without actions');
    const action = (a: unknown) => isObject(a) && optional(a.action_id, isString) && optional(a.block_id, isString) && optional(a.type, isString) && optional(a.value, isString) && optional(a.name, isString);
    if (!actions.every(action)) return refused('malformed action');
    if (payload.type === 'block_actions' && !actions.every((a) => isString((a as Fields).action_id))) return refused('action without action_id');
  }
  if ((payload.type === 'view_submission' || payload.type === 'view_closed') && !isObject(payload.view)) return refused('view payload without a view');
  if ((payload.type === 'shortcut' || payload.type === 'message_action') && !isString(payload.callback_id)) return refused('shortcut without callback_id');
  if (payload.type === 'block_suggestion' && !isString(payload.action_id)) return refused('suggestion without action_id');
  return { kind: 'dispatch', body: payload };
}

function eventsApiBody(body: unknown): ReadBody {
  if (!isObject(body)) return refused('body is not an object');
  if (body.type === 'url_verification') {
    return isString(body.challenge) ? { kind: 'url_verification', challenge: body.challenge } : refused('url_verification without a challenge');
  }
  if (body.type === 'app_rate_limited') return { kind: 'app_rate_limited' };
  if (body.type !== 'event_callback') return refused('unknown body type');
  const event = body.event;
  if (!isObject(event) || !isString(event.type)) return refused('event_callback without an event');
  if (!isString(body.event_id)) return refused('event_callback without event_id');
  if (!optional(body.team_id, isString) || !optional(body.enterprise_id, (e) => e === null || isString(e))) return refused('malformed team or enterprise');
  if (!isString(body.team_id) && !isString(body.enterprise_id)) return refused('event_callback without a team');
  if (!optional(body.authorizations, (a) => Array.isArray(a) && a.length > 0 && a.every(isObject))) return refused('malformed authorizations');
  for (const name of ['user', 'channel', 'text', 'ts', 'thread_ts', 'bot_id', 'subtype', 'tab', 'event_ts']) {
    // Some event types carry objects under these names (user_change, channel_created): allow those.
    if (!optional(event[name], (v) => isString(v) || (isObject(v) && (name === 'user' || name === 'channel')))) return refused(`malformed event.${name}`);
  }
  return { kind: 'dispatch', body };
}

export function readSlackBody(contentType: string | undefined, text: string): ReadBody {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const fields = parseForm(text);
    if (!fields) return refused('malformed form body');
    if (fields.get('ssl_check') === '1') return { kind: 'ssl_check' };
    if (fields.has('payload')) {
      const parsed = parseJson(fields.get('payload') ?? '');
      return parsed.ok ? interactivePayload(parsed.value) : refused(parsed.reason);
    }
    if (fields.has('command')) return slashCommand(fields);
    return refused('form body is neither a command nor a payload');
  }
  if (type === 'application/json') {
    const parsed = parseJson(text);
    return parsed.ok ? eventsApiBody(parsed.value) : refused(parsed.reason);
  }
  return refused('unsupported content type');
}
