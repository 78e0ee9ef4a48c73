/**
 * A corpus of hostile and malformed input for the bot, by class. Each case says what it sends and
 * what a well-behaved bot does with it: refuse it (4xx), or answer with a clear message, and in
 * every case stay up and keep what it has stored.
 */

export type Expectation =
  /** Refused at the door with this HTTP status class. */
  | { kind: 'refused'; status: 400 | 401 | 404 | 413 | '4xx' }
  /** Accepted (200) and answered privately with a usage or help message. */
  | { kind: 'usage' }
  /** Accepted (200) and answered with a summary in which the injected text is inert. */
  | { kind: 'inert-summary'; mustNotContain: string[] }
  /** Answered 200 at the door (ssl_check, url_verification), the answer containing `bodyIncludes`. */
  | { kind: 'accepted'; bodyIncludes?: string }
  /** Accepted (200) and ignored without an answer (e.g. an unknown payload type). */
  | { kind: 'ignored' }
  /** Accepted (200) and posted to the team channel with the injected text inert. */
  | { kind: 'inert-post'; mustNotContain: string[] };

export interface RawRequest {
  /** Sent as is to POST /slack/events, signed unless `signature` says otherwise. */
  body: string;
  contentType: string;
  /** `future`: a correct signature over a timestamp an hour ahead (Slack's window is 5 minutes either way). */
  signature?: 'valid' | 'broken' | 'stale' | 'future' | 'missing' | 'wrong-version';
}

export interface HostileCase {
  name: string;
  class: 'signature' | 'body' | 'wrong-shape' | 'command-text' | 'mention-text' | 'email-content' | 'alert-text' | 'event-text';
  /** A raw request, a /unread text, a mention text, or a message to seed in the mailbox. */
  request?: RawRequest;
  unreadText?: string;
  mentionText?: string;
  /** Text after /alert or /event. */
  alertText?: string;
  eventText?: string;
  email?: { from: string; subject: string; snippet: string };
  expect: Expectation;
}

const validCommand = new URLSearchParams({
  team_id: 'T0TEAM', user_id: 'U0HOSTILE', channel_id: 'C1', command: '/unread', text: '', response_url: 'http://127.0.0.1:9/never',
}).toString();
const form = 'application/x-www-form-urlencoded';
const json = 'application/json';
const CONTROL = '\u0000\u0001\u0007\u001b[31m\u007f\u0085';
const BIDI = '\u202e\u2066\u2069';
const ZERO_WIDTH = '\u200b\u200c\u200d\u2060\ufeff';

export const HOSTILE_CASES: HostileCase[] = [
  // Signatures and replays
  { name: 'missing signature', class: 'signature', request: { body: validCommand, contentType: form, signature: 'missing' }, expect: { kind: 'refused', status: 401 } },
  { name: 'wrong signature', class: 'signature', request: { body: validCommand, contentType: form, signature: 'broken' }, expect: { kind: 'refused', status: 401 } },
  { name: 'stale timestamp (replay)', class: 'signature', request: { body: validCommand, contentType: form, signature: 'stale' }, expect: { kind: 'refused', status: 401 } },
  { name: 'unknown signature version', class: 'signature', request: { body: validCommand, contentType: form, signature: 'wrong-version' }, expect: { kind: 'refused', status: 401 } },
  { name: 'timestamp an hour in the future', class: 'signature', request: { body: validCommand, contentType: form, signature: 'future' }, expect: { kind: 'refused', status: 401 } },
  // Bodies
  { name: 'form payload=null', class: 'body', request: { body: 'payload=null', contentType: form }, expect: { kind: 'refused', status: 400 } },
  { name: 'JSON body null', class: 'body', request: { body: 'null', contentType: json }, expect: { kind: 'refused', status: 400 } },
  { name: 'event_callback with event null', class: 'body', request: { body: JSON.stringify({ type: 'event_callback', team_id: 'T0TEAM', event_id: 'EvNull', event: null }), contentType: json }, expect: { kind: 'refused', status: 400 } },
  { name: 'JSON array nested 20,000 deep', class: 'body', request: { body: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, contentType: json }, expect: { kind: 'refused', status: 400 } },
  { name: 'JSON object nested 20,000 deep in a payload', class: 'body', request: { body: `payload=${encodeURIComponent(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`)}`, contentType: form }, expect: { kind: 'refused', status: 400 } },
  { name: 'unsupported content type', class: 'body', request: { body: 'hello', contentType: 'text/plain' }, expect: { kind: 'refused', status: 400 } },
  { name: 'ssl_check is answered', class: 'body', request: { body: 'ssl_check=1&token=x', contentType: form, signature: 'missing' }, expect: { kind: 'accepted' } },
  { name: 'url_verification is answered', class: 'body', request: { body: JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'chal-123' }), contentType: json }, expect: { kind: 'accepted', bodyIncludes: 'chal-123' } },
  { name: 'malformed JSON', class: 'body', request: { body: '{"type": "event_callback", ', contentType: json }, expect: { kind: 'refused', status: '4xx' } },
  { name: 'JSON that is not an object', class: 'body', request: { body: '[1,2,3]', contentType: json }, expect: { kind: 'refused', status: '4xx' } },
  { name: 'malformed form encoding', class: 'body', request: { body: 'team_id=%zz&command=%E0%A4%A', contentType: form }, expect: { kind: 'refused', status: '4xx' } },
  { name: 'empty body', class: 'body', request: { body: '', contentType: form }, expect: { kind: 'refused', status: '4xx' } },
  { name: 'unknown payload type', class: 'body', request: { body: JSON.stringify({ type: 'surprise', team_id: 'T0TEAM' }), contentType: json }, expect: { kind: 'refused', status: '4xx' } },
  { name: 'block action payload that is not JSON', class: 'body', request: { body: 'payload=%7Bnot-json', contentType: form }, expect: { kind: 'refused', status: '4xx' } },
  { name: 'event without an event', class: 'body', request: { body: JSON.stringify({ type: 'event_callback', team_id: 'T0TEAM', event_id: 'EvBare' }), contentType: json }, expect: { kind: 'refused', status: '4xx' } },
  { name: 'oversized body (5 MB)', class: 'body', request: { body: `text=${'a'.repeat(5 * 1024 * 1024)}`, contentType: form }, expect: { kind: 'refused', status: '4xx' } },
  // /unread arguments
  ...['0', '26', '-3', '1000000000000', '2.5', '10x', '5e2', '0x10'].map((text) => ({
    name: `count out of range or malformed: ${text}`, class: 'command-text' as const, unreadText: text, expect: { kind: 'usage' as const },
  })),
  ...['NaN', 'Infinity', '٣'].map((text) => ({
    name: `a word where a count could be: ${text} (searched for)`, class: 'command-text' as const, unreadText: text,
    expect: { kind: 'inert-summary' as const, mustNotContain: [] },
  })),
  { name: 'oversized search', class: 'command-text', unreadText: `3 ${'from:x '.repeat(2000)}`, expect: { kind: 'usage' } },
  { name: 'control characters in the search', class: 'command-text', unreadText: `3 from:${CONTROL}bob`, expect: { kind: 'inert-summary', mustNotContain: ['\u0000', '\u001b'] } },
  { name: 'right-to-left and zero-width characters', class: 'command-text', unreadText: `${BIDI}${ZERO_WIDTH}`, expect: { kind: 'inert-summary', mustNotContain: ['\u202e'] } },
  { name: 'mention injection in the search', class: 'command-text', unreadText: '2 <!channel> <@U123> @here', expect: { kind: 'inert-summary', mustNotContain: ['<!channel>', '<@U123>'] } },
  // Mentions
  { name: 'mention with only control characters', class: 'mention-text', mentionText: `<@U0BOT> ${CONTROL}`, expect: { kind: 'usage' } },
  // Past the bound (4,000 characters) every text is refused before any parser reads it, with a reply saying so.
  { name: 'oversized mention', class: 'mention-text', mentionText: `<@U0BOT> ${'unread '.repeat(10_000)}`, expect: { kind: 'usage' } },
  { name: 'mention of 40,000 characters ("meeting a a a …", once out of heap)', class: 'mention-text', mentionText: `<@U0BOT> meeting ${'a '.repeat(20_000)}`.slice(0, 40_000), expect: { kind: 'usage' } },
  { name: 'mention of 18,000 characters ("meeting a a a …", once a stalled loop)', class: 'mention-text', mentionText: `<@U0BOT> meeting ${'a '.repeat(9_000)}`.slice(0, 18_000), expect: { kind: 'usage' } },
  { name: 'mention of 40,000 characters of unclosed `<!here|`', class: 'mention-text', mentionText: `<@U0BOT> alert the team: ${'<!here|'.repeat(6_000)}`, expect: { kind: 'usage' } },
  { name: 'mention asking for a huge count', class: 'mention-text', mentionText: '<@U0BOT> show me my last 99999999999999999999 unread emails', expect: { kind: 'inert-summary', mustNotContain: [] } },
  { name: 'mention with bidi and zero-width', class: 'mention-text', mentionText: `<@U0BOT> ${BIDI}unread${ZERO_WIDTH}`, expect: { kind: 'inert-summary', mustNotContain: ['\u202e'] } },
  // Email content reaching a message
  { name: 'subject pinging the channel', class: 'email-content', email: { from: 'x <x@example.com>', subject: '<!channel> <!here> <!everyone>', snippet: 'hi' }, expect: { kind: 'inert-summary', mustNotContain: ['<!channel>', '<!here>', '<!everyone>'] } },
  { name: 'sender with a user mention and a link', class: 'email-content', email: { from: '<@U0ADMIN> <https://evil.example|Your bank>', subject: 'hello', snippet: 'hi' }, expect: { kind: 'inert-summary', mustNotContain: ['<@U0ADMIN>', '<https://evil.example|'] } },
  { name: 'snippet with encoded markup', class: 'email-content', email: { from: 'y@example.com', subject: 's', snippet: '&lt;!subteam^S123&gt; &lt;#C123&gt; &amp;lt;' }, expect: { kind: 'inert-summary', mustNotContain: ['<!subteam', '<#C123>'] } },
  { name: 'control and bidi characters in a subject', class: 'email-content', email: { from: 'z@example.com', subject: `${CONTROL}${BIDI}Invoice${ZERO_WIDTH}`, snippet: 'x' }, expect: { kind: 'inert-summary', mustNotContain: ['\u0000', '\u202e', '\u001b'] } },
  { name: 'enormous subject and snippet', class: 'email-content', email: { from: 'w@example.com', subject: 'S'.repeat(100_000), snippet: 'N'.repeat(100_000) }, expect: { kind: 'inert-summary', mustNotContain: ['S'.repeat(3001)] } },
  { name: 'mrkdwn formatting in a subject', class: 'email-content', email: { from: 'v@example.com', subject: '*bold* _it_ ~strike~ `code` ```block```', snippet: '> quote' }, expect: { kind: 'inert-summary', mustNotContain: [] } },
  // Team alerts: the text reaches a channel, so nothing in it may ping or link
  { name: 'alert pinging everyone', class: 'alert-text', alertText: 'deploy failed <!channel> <!here> @everyone <@U0ADMIN>', expect: { kind: 'inert-post', mustNotContain: ['<!channel>', '<!here>', '<@U0ADMIN>'] } },
  { name: 'alert with a disguised link', class: 'alert-text', alertText: 'critical <https://evil.example|status page> &lt;!subteam^S1&gt;', expect: { kind: 'inert-post', mustNotContain: ['<https://evil.example|', '<!subteam'] } },
  { name: 'alert with control, bidi and zero-width characters', class: 'alert-text', alertText: `warning ${CONTROL}${BIDI}db${ZERO_WIDTH} down`, expect: { kind: 'inert-post', mustNotContain: ['\u0000', '\u202e', '\u001b'] } },
  { name: 'oversized alert', class: 'alert-text', alertText: `info ${'x'.repeat(5000)}`, expect: { kind: 'usage' } },
  { name: 'alert of 40,000 characters of unclosed `<!here|`', class: 'alert-text', alertText: `#ops ${'<!here|'.repeat(6_000)}`.slice(0, 40_000), expect: { kind: 'usage' } },
  { name: 'alert to a channel that does not exist', class: 'alert-text', alertText: '#no-such-channel info hello', expect: { kind: 'usage' } },
  // Calendar events: titles reach a private confirmation; dates must be sane
  { name: 'event title pinging the channel', class: 'event-text', eventText: 'tomorrow at 3pm called <!channel> <@U0ADMIN> @here', expect: { kind: 'inert-summary', mustNotContain: ['<!channel>', '<@U0ADMIN>'] } },
  { name: 'event far in the future', class: 'event-text', eventText: '2099-01-01 called Far away', expect: { kind: 'usage' } },
  { name: 'event in the past', class: 'event-text', eventText: 'yesterday at 3pm called Too late', expect: { kind: 'usage' } },
  { name: 'event on a day that does not exist', class: 'event-text', eventText: 'feb 30 at 9am called Never', expect: { kind: 'usage' } },
  { name: 'event of 40,000 characters ("meeting a a a …")', class: 'event-text', eventText: `meeting ${'a '.repeat(20_000)}`.slice(0, 40_000), expect: { kind: 'usage' } },
  { name: 'event lasting a year', class: 'event-text', eventText: 'tomorrow at 9am for 9000 hours called Forever', expect: { kind: 'usage' } },
];

// Bodies that parse but have the wrong shape: null, arrays and wrong types in every field Bolt reads.
const WRONG_VALUES: Array<[string, unknown]> = [['null', null], ['an array', []], ['a number', 7], ['an object', { x: 1 }], ['a boolean', true]];
const goodEvent = { type: 'event_callback', team_id: 'T0TEAM', event_id: 'EvShape', api_app_id: 'A0APP', event: { type: 'app_mention', user: 'U0HOSTILE', text: 'hi', channel: 'C1', ts: '1.0' } };
const goodAction = {
  type: 'block_actions', user: { id: 'U0HOSTILE' }, team: { id: 'T0TEAM' }, trigger_id: '1.t', response_url: 'http://127.0.0.1:9/never',
  actions: [{ type: 'button', action_id: 'a', block_id: 'b', value: 'v' }],
};
const shapeCase = (name: string, body: string, contentType: string): HostileCase => ({
  name: `wrong shape: ${name}`, class: 'wrong-shape', request: { body, contentType }, expect: { kind: 'refused', status: 400 },
});
const commandFields = { team_id: 'T0TEAM', user_id: 'U0HOSTILE', channel_id: 'C1', command: '/unread', text: '', response_url: 'http://127.0.0.1:9/never' };
const replaced = (base: object, path: string[], value: unknown): unknown => {
  const copy = structuredClone(base) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path[path.length - 1] as string] = value;
  return copy;
};

HOSTILE_CASES.push(
  ...WRONG_VALUES.flatMap(([label, value]) => [
    shapeCase(`JSON body ${label}`, JSON.stringify(value), json),
    shapeCase(`payload ${label}`, `payload=${encodeURIComponent(JSON.stringify(value))}`, form),
    ...[['type'], ['event'], ['event', 'type'], ['event', 'user'], ['event', 'channel'], ['event', 'text'], ['team_id'], ['event_id'], ['authorizations']]
      .filter(([first, second]) => !(label === 'an object' && (first === 'event' && (second === undefined || second === 'user' || second === 'channel'))))
      .map((path) => shapeCase(`event_callback ${path.join('.')} ${label}`, JSON.stringify(replaced(goodEvent, path, value)), json)),
    ...[['type'], ['user'], ['user', 'id'], ['team'], ['actions'], ['response_url'], ['trigger_id'], ['channel'], ['container']]
      .filter(([first]) => !(label === 'null' && (first === 'team' || first === 'channel' || first === 'container')))
      .filter(([first]) => !(label === 'an object' && (first === 'user' || first === 'team' || first === 'channel' || first === 'container')))
      .map((path) => shapeCase(`block_actions ${path.join('.')} ${label}`, `payload=${encodeURIComponent(JSON.stringify(replaced(goodAction, path, value)))}`, form)),
    shapeCase(`block_actions actions[0] ${label}`, `payload=${encodeURIComponent(JSON.stringify(replaced(goodAction, ['actions'], [value])))}`, form),
    ...(label === 'an object' ? [] : [shapeCase(`block_actions action_id ${label}`, `payload=${encodeURIComponent(JSON.stringify(replaced(goodAction, ['actions'], [{ type: 'button', action_id: value }])))}`, form)]),
  ]),
  ...['command', 'user_id', 'team_id', 'response_url'].map((field) =>
    shapeCase(`slash command without ${field}`, new URLSearchParams(Object.fromEntries(Object.entries(commandFields).filter(([k]) => k !== field))).toString(), form)),
  shapeCase('slash command with a repeated field', `${new URLSearchParams(commandFields).toString()}&user_id=U0OTHER`, form),
  shapeCase('slash command name that is not a command', new URLSearchParams({ ...commandFields, command: 'unread now' }).toString(), form),
);
