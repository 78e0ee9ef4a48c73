/**
 * The sandbox's Google consent page: what Allow and Cancel send the browser to, as Google would
 * (the provider with only the ticked scopes and the PKCE parameters intact; the app with
 * error=access_denied), and what it refuses.
 */
import { describe, expect, it } from 'vitest';
import { consentDecision, consentPage } from '../../../sandbox/consent.ts';

const CLIENT = 'sandbox-client.apps.googleusercontent.com';
const PROVIDER = 'http://127.0.0.1:9999/authorize';
const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';
const GMAIL_MODIFY = 'https://www.googleapis.com/auth/gmail.modify';
const request = () =>
  new URLSearchParams({
    client_id: CLIENT,
    redirect_uri: 'http://localhost:3000/auth/callback',
    response_type: 'code',
    scope: `${GMAIL_READ} ${GMAIL_MODIFY}`,
    state: 'st<"ate',
    code_challenge: 'challenge',
    code_challenge_method: 'S256',
  });
const account = { email: 'alice@example.com', name: 'alice' };

describe('the consent page', () => {
  it('shows the account and a ticked checkbox per scope, carrying the request along escaped', () => {
    const page = consentPage({ params: request(), clientId: CLIENT, appName: 'Agent Actions', account });
    expect(page.status).toBe(200);
    expect(page.html).toContain('alice@example.com');
    expect(page.html.match(/<input type="checkbox" name="scope" value="[^"]+" checked>/g)).toHaveLength(2);
    expect(page.html).toContain('name="state" value="st&lt;&quot;ate"');
    expect(page.html).toContain('name="code_challenge" value="challenge"');
  });

  it('refuses an unknown client or a missing redirect_uri', () => {
    const wrong = request();
    wrong.set('client_id', 'someone-else.apps.googleusercontent.com');
    expect(consentPage({ params: wrong, clientId: CLIENT, appName: 'x', account }).status).toBe(400);
    const noRedirect = request();
    noRedirect.delete('redirect_uri');
    expect(consentDecision(noRedirect, CLIENT, PROVIDER).status).toBe(400);
  });
});

describe('the decision', () => {
  it('Allow: on to the provider with only the ticked scopes and the PKCE challenge', () => {
    const form = request();
    form.delete('scope');
    form.append('scope', GMAIL_READ);
    form.set('account', 'alice@example.com');
    form.set('decision', 'allow');
    const decision = consentDecision(form, CLIENT, PROVIDER);
    expect(decision.status).toBe(302);
    const onward = new URL(decision.location!);
    expect(`${onward.origin}${onward.pathname}`).toBe(PROVIDER);
    expect(onward.searchParams.get('scope')).toBe(GMAIL_READ);
    expect(onward.searchParams.get('code_challenge')).toBe('challenge');
    expect(onward.searchParams.get('state')).toBe('st<"ate');
    expect(onward.searchParams.has('decision')).toBe(false);
  });

  it('Cancel: back to the app with error=access_denied and the state', () => {
    const form = request();
    form.set('decision', 'cancel');
    const back = new URL(consentDecision(form, CLIENT, PROVIDER).location!);
    expect(`${back.origin}${back.pathname}`).toBe('http://localhost:3000/auth/callback');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st<"ate');
    expect(back.searchParams.has('code')).toBe(false);
  });
});
