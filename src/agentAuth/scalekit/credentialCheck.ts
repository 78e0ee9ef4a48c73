/**
 * The start-up check of the Scalekit credentials: one client-credentials request to the
 * environment's token endpoint (RFC 6749 section 4.4, as the SDK makes it). A refused client id or
 * secret stops the bot with the settings named; an outage is thrown as it is, for the caller to retry.
 */
import { fetch, type Dispatcher } from 'undici';
import { SettingRefusedError } from '../../infrastructure/settingRefused.ts';

const WHERE = 'copy them from the Scalekit dashboard > Developers > API Credentials';

export async function checkScalekitCredentials(
  settings: { envUrl: string; clientId: string; clientSecret: string },
  dispatcher: Dispatcher,
): Promise<void> {
  const response = await fetch(`${settings.envUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: settings.clientId, client_secret: settings.clientSecret }).toString(),
    dispatcher,
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: unknown; access_token?: unknown };
  if (response.ok && typeof body.access_token === 'string') return;
  if (response.status === 401 || body.error === 'invalid_client' || body.error === 'unauthorized_client') {
    throw new SettingRefusedError(
      ['SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET'],
      `SCALEKIT_CLIENT_ID or SCALEKIT_CLIENT_SECRET was refused by Scalekit at ${settings.envUrl} (${String(body.error ?? response.status)}). To fix it, ${WHERE}, for the environment SCALEKIT_ENV_URL names.`,
    );
  }
  if (response.status === 404) {
    throw new SettingRefusedError(
      ['SCALEKIT_ENV_URL'],
      `SCALEKIT_ENV_URL (${settings.envUrl}) has no Scalekit token endpoint (404). To fix it, ${WHERE}: the environment URL, e.g. https://yourorg.scalekit.dev.`,
    );
  }
  throw new Error(`Scalekit's token endpoint answered HTTP ${response.status}${body.error ? ` (${String(body.error)})` : ''}`);
}
