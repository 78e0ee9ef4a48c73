/**
 * Sign in with Slack (OpenID Connect), used to prove which Slack user a browser belongs to before
 * a connect link goes on to the provider. The authorize step is Slack's page; the code exchange and
 * the user are the Web API methods `openid.connect.token` and `openid.connect.userInfo`.
 * The user is read from userInfo (reached directly over TLS with the fresh access token), so the
 * id token's signature need not be checked; its nonce still is, when Slack sends one.
 */
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { BadInputError, UpstreamUnavailableError } from '../../core/errors.ts';

export interface SlackSignInSettings {
  authorizeUrl: string;
  /** The Web API base, ending with a slash. */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface SlackIdentity {
  userId: string;
  teamId: string;
}

const tokenAnswer = z.object({ ok: z.literal(true), access_token: z.string().min(1), id_token: z.string().optional() });
const userInfoAnswer = z.object({
  ok: z.literal(true),
  sub: z.string().optional(),
  'https://slack.com/user_id': z.string().min(1),
  'https://slack.com/team_id': z.string().min(1),
});
const slackError = z.object({ ok: z.literal(false), error: z.string().regex(/^[a-z0-9_]{1,64}$/) });

const TRANSIENT_ERRORS = new Set(['ratelimited', 'fatal_error', 'internal_error', 'service_unavailable', 'request_timeout']);
const REQUEST_TIMEOUT_MS = 10_000;

export class SlackSignIn {
  private readonly settings: SlackSignInSettings;
  private readonly dispatcher: Dispatcher | undefined;

  constructor(settings: SlackSignInSettings, options: { dispatcher?: Dispatcher } = {}) {
    this.settings = settings;
    this.dispatcher = options.dispatcher;
  }

  authorizeUrl(flow: { redirectUri: string; state: string; nonce: string; teamId: string }): string {
    const url = new URL(this.settings.authorizeUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid');
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('redirect_uri', flow.redirectUri);
    url.searchParams.set('state', flow.state);
    url.searchParams.set('nonce', flow.nonce);
    // Slack's docs allow `team` to skip the workspace picker: the link's own workspace.
    url.searchParams.set('team', flow.teamId);
    return url.toString();
  }

  /** Who signed in. Throws BadInputError when Slack refuses the code (used, expired, forged). */
  async identify(code: string, redirectUri: string, nonce: string): Promise<SlackIdentity> {
    const token = tokenAnswer.safeParse(
      await this.call('openid.connect.token', {
        form: {
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret,
          code,
          redirect_uri: redirectUri,
          grant_type: 'authorization_code',
        },
      }),
    );
    if (!token.success) throw new BadInputError('Slack did not confirm who signed in (the sign-in code was not accepted).');
    if (token.data.id_token !== undefined && idTokenNonce(token.data.id_token) !== nonce) {
      throw new BadInputError('The Slack sign-in does not belong to this connection attempt.');
    }
    const user = userInfoAnswer.safeParse(await this.call('openid.connect.userInfo', { bearer: token.data.access_token }));
    if (!user.success) throw new BadInputError('Slack did not say who signed in.');
    const userId = user.data['https://slack.com/user_id'];
    if (user.data.sub !== undefined && user.data.sub !== userId) throw new BadInputError('Slack gave an inconsistent answer about who signed in.');
    return { userId, teamId: user.data['https://slack.com/team_id'] };
  }

  /** The parsed answer; a Slack `ok: false` answer is returned for the caller to judge, anything else throws. */
  private async call(method: string, input: { form?: Record<string, string>; bearer?: string }): Promise<unknown> {
    let answer;
    try {
      answer = await request(`${this.settings.apiUrl}${method}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(input.bearer ? { authorization: `Bearer ${input.bearer}` } : {}),
        },
        body: new URLSearchParams(input.form ?? {}).toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
    } catch (cause) {
      throw new UpstreamUnavailableError('Slack', `${method} could not be reached`, { cause });
    }
    const body = await answer.body.text();
    if (answer.statusCode !== 200) throw new UpstreamUnavailableError('Slack', `${method} answered HTTP ${answer.statusCode}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (cause) {
      throw new UpstreamUnavailableError('Slack', `${method} answered something that is not JSON`, { cause });
    }
    const refused = slackError.safeParse(parsed);
    // Slack's own trouble is worth another try later; anything else (invalid_code, ...) is a refusal.
    if (refused.success && TRANSIENT_ERRORS.has(refused.data.error)) {
      throw new UpstreamUnavailableError('Slack', `${method} failed: ${refused.data.error}`);
    }
    return parsed;
  }
}

/** The `nonce` claim of an id token (a JWS: header.payload.signature, base64url). */
function idTokenNonce(idToken: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { nonce?: unknown };
    return typeof payload.nonce === 'string' ? payload.nonce : undefined;
  } catch {
    return undefined;
  }
}
