/**
 * OAuth providers and connectors described as data, not code (in the manner of Nango's
 * providers.yaml): a provider's endpoints, and for each connector the provider it uses, the scopes it
 * asks for and any extra authorization parameters. The built-in agent-auth backend runs one OAuth
 * flow for all of them. Descriptions are checked with zod, so a mistake in one fails at start-up.
 */
import { z } from 'zod';

const endpoint = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** Parameters the flow itself sets; a description may not override them. */
const RESERVED_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method'];

export const providerSchema = z.object({
  /** The name users know, e.g. "Google". */
  label: z.string().min(1),
  authorizationUrl: endpoint,
  tokenUrl: endpoint,
  /** RFC 7009 revocation endpoint, where the provider has one. */
  revocationUrl: endpoint.optional(),
  /**
   * OpenID Connect scopes asked for on top of every connector's own, so that the token answer
   * carries an ID token naming the account (its address goes in the "connected" DM). They grant
   * no access to the provider's APIs. Empty for a provider without OpenID Connect.
   */
  identityScopes: z.array(z.string().min(1)).default([]),
});

export const connectorSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  label: z.string().min(1),
  provider: z.string().min(1),
  scopes: z.array(z.string().min(1)).min(1),
  authorizationParams: z
    .record(z.string(), z.string())
    .default({})
    .refine((params) => !Object.keys(params).some((name) => RESERVED_PARAMS.includes(name)), {
      error: `may not set ${RESERVED_PARAMS.join(', ')}`,
    }),
});

export type ProviderDescription = z.input<typeof providerSchema>;
export type ConnectorDescription = z.input<typeof connectorSchema>;
export type EndpointOverrides = Partial<Pick<ProviderDescription, 'authorizationUrl' | 'tokenUrl' | 'revocationUrl'>>;

const GOOGLE_SCOPE = 'https://www.googleapis.com/auth/';

export const PROVIDERS: Record<string, ProviderDescription> = {
  google: {
    label: 'Google',
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revocationUrl: 'https://oauth2.googleapis.com/revoke',
    // The verified email address in the ID token, and nothing else about the person.
    identityScopes: ['openid', 'email'],
  },
};

export const CONNECTORS: ConnectorDescription[] = [
  {
    key: 'gmail',
    label: 'Gmail',
    provider: 'google',
    // Reading, `gmail.modify` for "Mark as read" (it removes the UNREAD label; it cannot delete
    // mail for good), `gmail.compose` for replies (drafts, sent only when the user presses Send).
    // Never `gmail.metadata`: with it on a token, Gmail refuses the search (`q`) we rely on.
    scopes: [`${GOOGLE_SCOPE}gmail.readonly`, `${GOOGLE_SCOPE}gmail.modify`, `${GOOGLE_SCOPE}gmail.compose`],
    authorizationParams: {
      // Google returns a refresh token only for offline access, and only on a consent screen.
      access_type: 'offline',
      prompt: 'consent',
      // No include_granted_scopes: each connection's token carries its own scopes only, so a
      // Calendar token can never read mail.
    },
  },
  {
    key: 'google-calendar',
    label: 'Google Calendar',
    provider: 'google',
    // Creating events on the user's calendars, nothing more (not `calendar`, which reads them all).
    scopes: [`${GOOGLE_SCOPE}calendar.events`],
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
  },
];

/** A connector with its provider's endpoints filled in: what an OAuth flow needs, but the client credentials. */
export interface ResolvedConnector {
  key: string;
  label: string;
  /** The provider's key, e.g. "google": whose client credentials the flow uses. */
  provider: string;
  providerLabel: string;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string | undefined;
  scopes: string[];
  /** The provider's OpenID Connect scopes, asked for beside `scopes` to learn the account's address. */
  identityScopes: string[];
  authorizationParams: Record<string, string>;
}

/**
 * The connector `key`, with its provider's endpoints overridden where `overrides` (per provider,
 * e.g. `{ google: { tokenUrl } }`) says. Throws when the description, or an override, is invalid.
 */
export function resolveConnector(
  key: string,
  overrides: Record<string, EndpointOverrides | undefined> = {},
  catalog: { providers: Record<string, ProviderDescription>; connectors: ConnectorDescription[] } = {
    providers: PROVIDERS,
    connectors: CONNECTORS,
  },
): ResolvedConnector {
  const described = catalog.connectors.find((connector) => connector.key === key);
  if (!described) throw new Error(`no connector is described with the key ${key}`);
  const connector = connectorSchema.parse(described);
  const base = catalog.providers[connector.provider];
  if (!base) throw new Error(`connector ${key} names an undescribed provider ${connector.provider}`);
  const provider = providerSchema.parse({ ...base, ...definedOnly(overrides[connector.provider] ?? {}) });
  return {
    key: connector.key,
    label: connector.label,
    provider: connector.provider,
    providerLabel: provider.label,
    authorizationUrl: provider.authorizationUrl,
    tokenUrl: provider.tokenUrl,
    revocationUrl: provider.revocationUrl,
    scopes: connector.scopes,
    identityScopes: provider.identityScopes,
    authorizationParams: connector.authorizationParams,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}
