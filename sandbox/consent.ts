/**
 * The sandbox's Google: a consent page in front of the OAuth provider stand-in (oauth2-mock-server,
 * which checks PKCE and issues the tokens). The bot sends the browser here as it would send it to
 * accounts.google.com; Allow passes the request on to the provider with only the ticked scopes,
 * which redirects back to the bot with a code; Cancel goes back with `error=access_denied`, as
 * Google does.
 */
import { escapeHtml } from './page/blockKit.ts';

const SCOPE_NAMES: Record<string, string> = {
  'https://www.googleapis.com/auth/gmail.readonly': 'Read your email messages and settings',
  'https://www.googleapis.com/auth/gmail.modify': 'Read, compose and send emails, and mark them read',
  'https://www.googleapis.com/auth/gmail.metadata': 'View your email message metadata such as labels and headers',
  'https://www.googleapis.com/auth/calendar.events': 'View and edit events on all your calendars',
  'https://www.googleapis.com/auth/calendar': 'See, edit, share and delete all your calendars',
  openid: 'Associate you with your personal info on Google',
  email: 'See your primary Google Account email address',
  profile: 'See your personal info',
};

export interface ConsentRequest {
  params: URLSearchParams;
  clientId: string;
  appName: string;
  account: { email: string; name: string };
}

/** The page, or a plain problem (unknown client, no redirect) as Google shows "Error 400". */
export function consentPage(request: ConsentRequest): { status: number; html: string } {
  const { params } = request;
  const problem = requestProblem(params, request.clientId);
  if (problem) return { status: 400, html: page('Error 400: invalid_request', `<p class="problem">${escapeHtml(problem)}</p>`) };
  const scopes = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const hidden = [...params].filter(([name]) => name !== 'scope')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  const scopeRows = scopes.map((scope) => `
    <label class="scope"><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked>
      <span>${escapeHtml(SCOPE_NAMES[scope] ?? scope)}<small>${escapeHtml(scope)}</small></span></label>`).join('');
  const body = `
    <h1>Choose an account</h1>
    <p>to continue to <b>${escapeHtml(request.appName)}</b></p>
    <form method="post" action="/google/consent">
      ${hidden}
      <fieldset class="accounts">
        <label class="account"><input type="radio" name="account" value="${escapeHtml(request.account.email)}" checked>
          <span class="avatar">${escapeHtml(request.account.name.slice(0, 1).toUpperCase())}</span>
          <span>${escapeHtml(request.account.name)}<small>${escapeHtml(request.account.email)}</small></span></label>
      </fieldset>
      <h2>${escapeHtml(request.appName)} wants to access your Google Account</h2>
      <fieldset class="scopes">${scopeRows}</fieldset>
      <p class="fine">This is the sandbox's stand-in for Google: no real account is involved.</p>
      <div class="buttons">
        <button type="submit" name="decision" value="cancel" class="cancel">Cancel</button>
        <button type="submit" name="decision" value="allow" class="allow">Allow</button>
      </div>
    </form>`;
  return { status: 200, html: page('Sign in - Google Accounts (sandbox)', body) };
}

/** Where the browser goes after the form: the provider (Allow) or back to the app with an error (Cancel). */
export function consentDecision(form: URLSearchParams, clientId: string, providerAuthorizeUrl: string): { status: number; location?: string; html?: string } {
  const problem = requestProblem(form, clientId);
  if (problem) return { status: 400, html: page('Error 400: invalid_request', `<p class="problem">${escapeHtml(problem)}</p>`) };
  const redirect = new URL(form.get('redirect_uri')!);
  if (form.get('decision') !== 'allow') {
    redirect.searchParams.set('error', 'access_denied');
    const state = form.get('state');
    if (state !== null) redirect.searchParams.set('state', state);
    return { status: 302, location: redirect.toString() };
  }
  const onward = new URL(providerAuthorizeUrl);
  for (const [name, value] of form) {
    if (name !== 'decision' && name !== 'account' && name !== 'scope') onward.searchParams.set(name, value);
  }
  onward.searchParams.set('scope', form.getAll('scope').join(' '));
  return { status: 302, location: onward.toString() };
}

function requestProblem(params: URLSearchParams, clientId: string): string | undefined {
  if (params.get('client_id') !== clientId) return 'The OAuth client was not found (client_id).';
  const redirect = params.get('redirect_uri');
  if (!redirect || !URL.canParse(redirect)) return 'Missing or malformed redirect_uri.';
  if (params.get('response_type') !== 'code') return 'response_type must be code.';
  return undefined;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/consent.css"></head><body><main class="consent"><div class="google">Google <small>sandbox</small></div>${body}</main></body></html>`;
}
