/**
 * Ours rather than pino's `redact`: its paths name fixed keys, while a secret turns up under any key,
 * at any depth, and inside free text (an error message quoting a URL with a code in it).
 *
 * Keeps secrets and users' content out of log lines, whatever a caller passes to the logger:
 * values under sensitive keys are replaced, and strings are scrubbed of anything shaped like a
 * token or a single-use link. Known secret values (from the settings) are removed verbatim too.
 */

const REDACTED = '[redacted]';

const SENSITIVE_KEY =
  /token|secret|password|passwd|authorization|cookie|api_?key|link|url|href|snippet|subject|sender|^from$|^to$|body|blocks|^text$|email|verifier|^state$|search|^query$|^q$|auth_request_id|authrequestid/i;

const TOKEN_PATTERNS: Array<[RegExp, string]> = [
  [/xox[a-z]-[A-Za-z0-9-]+/g, 'xox?-' + REDACTED],
  [/xapp-[A-Za-z0-9-]+/g, 'xapp-' + REDACTED],
  [/\bBearer\s+[^\s"',;]+/gi, 'Bearer ' + REDACTED],
  [/\bBasic\s+[A-Za-z0-9+/=]{8,}/g, 'Basic ' + REDACTED],
  [/\bya29\.[\w.-]+/g, REDACTED],
  [/\b1\/\/[\w-]{20,}/g, REDACTED],
  // A JWT (an ID token, or a provider's JWT access token) wherever it turns up in free text.
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, REDACTED],
  [/https:\/\/hooks\.slack\.com\/\S+/g, 'https://hooks.slack.com/' + REDACTED],
  [/\/(connect|magic)\/[A-Za-z0-9_-]{12,}/g, '/$1/' + REDACTED],
  [
    /\b(access_token|refresh_token|id_token|code|code_verifier|state|client_secret|auth_request_id|token)=[^&\s"']+/gi,
    '$1=' + REDACTED,
  ],
];

export class LogRedactor {
  private readonly secrets: string[];

  constructor(knownSecrets: Array<string | undefined> = []) {
    // Longest first, so a secret that contains another is removed whole.
    this.secrets = knownSecrets
      .filter((s): s is string => typeof s === 'string' && s.length >= 6)
      .sort((a, b) => b.length - a.length);
  }

  scrubString(value: string): string {
    let out = value;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  scrub(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.scrubString(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 6) return '[deep]';
    if (value instanceof Error) return this.scrubError(value, depth);
    if (Array.isArray(value)) return value.slice(0, 50).map((item) => this.scrub(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SENSITIVE_KEY.test(key) && !isHarmless(inner) ? REDACTED : this.scrub(inner, depth + 1);
    }
    return out;
  }

  private scrubError(error: Error, depth: number): Record<string, unknown> {
    const coded = error as Error & { code?: unknown; service?: unknown };
    const out: Record<string, unknown> = {
      type: error.name,
      message: this.scrubString(error.message),
      stack: error.stack ? this.scrubString(error.stack) : undefined,
    };
    if (coded.code !== undefined) out.code = coded.code;
    if (typeof coded.service === 'string') out.service = coded.service;
    if (error.cause !== undefined) out.cause = this.scrub(error.cause, depth + 1);
    return out;
  }
}

/** Counts and flags say nothing about content; keep them readable. */
function isHarmless(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null;
}
