import { documentToJS, parseAllDocumentsBounded } from '@berth/infra';
import type { AccountsConfigIssue } from './accounts-config-issue';

/** Argo CD's `oidc.config` (direct OIDC, no Dex), the fields Berth uses. */
export interface OidcSettings {
  /** Shown on a login page; default `OIDC`. */
  name: string;
  issuer: string;
  clientID: string;
  /** The value, resolved from a `$<key>` reference; empty for a public client (PKCE only). */
  clientSecret: string;
  /** Default Argo CD's: openid, profile, email, groups. */
  requestedScopes: string[];
  /**
   * The ID token claim that holds the user's groups (default `groups`). A Berth field: Argo CD takes the
   * claims named by `argocd-rbac-cm`'s `scopes`, which RBAC reads.
   */
  groupsClaim: string;
}

export const DEFAULT_REQUESTED_SCOPES = ['openid', 'profile', 'email', 'groups'];

/** `$oidc.okta.clientSecret` -> `BERTH_ACCOUNTS_SECRET_OIDC_OKTA_CLIENTSECRET`: where a `$` reference's value comes from. */
export function accountsSecretEnvName(reference: string): string {
  return `BERTH_ACCOUNTS_SECRET_${reference
    .replace(/^\$/, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '_')}`;
}

/** The lookup of `$` references in BerthConfig.accountsSecrets (keyed by the env name's tail). */
export function accountsSecretLookup(
  secrets: Readonly<Record<string, string>>,
): (reference: string) => string | undefined {
  return (reference) => secrets[accountsSecretEnvName(reference).slice('BERTH_ACCOUNTS_SECRET_'.length)];
}

/**
 * Reads `oidc.config` (a YAML string, as in argocd-cm). `clientSecret: $oidc.okta.clientSecret` is looked up
 * in `secrets` (from `BERTH_ACCOUNTS_SECRET_*`), as Argo CD looks `$` references up in argocd-secret; a
 * secret written in the file itself is refused (the file is not a secret store).
 */
export function parseOidcConfig(
  text: string,
  secrets: (reference: string) => string | undefined,
  errors: AccountsConfigIssue[],
): OidcSettings | undefined {
  const key = 'oidc.config';
  let doc: unknown;
  try {
    const [first, ...more] = parseAllDocumentsBounded(text);
    if (more.length > 0 || (first && first.errors.length > 0))
      throw new Error(first?.errors[0]?.message ?? 'more than one document');
    doc = first ? documentToJS(first) : undefined;
  } catch (error) {
    errors.push({ key, message: `not valid YAML: ${(error as Error).message}` });
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    errors.push({ key, message: 'expected a map with issuer, clientID, clientSecret' });
    return undefined;
  }
  const o = doc as Record<string, unknown>;
  const before = errors.length;
  const str = (field: string, required: boolean): string | undefined => {
    const value = o[field];
    if (value === undefined || value === null || value === '') {
      if (required) errors.push({ key: `${key}.${field}`, message: 'is required' });
      return undefined;
    }
    if (typeof value !== 'string') {
      errors.push({ key: `${key}.${field}`, message: 'must be a string' });
      return undefined;
    }
    return value;
  };
  const issuer = str('issuer', true);
  if (issuer !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(issuer);
    } catch {
      errors.push({ key: `${key}.issuer`, message: `"${issuer}" is not a URL` });
    }
    const loopback = url && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url && url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
      errors.push({
        key: `${key}.issuer`,
        message: 'must be an https:// URL (http:// only for 127.0.0.1 and localhost)',
      });
  }
  const clientID = str('clientID', true);
  const rawSecret = str('clientSecret', false) ?? '';
  let clientSecret = rawSecret;
  if (rawSecret.startsWith('$')) {
    const value = secrets(rawSecret);
    if (value === undefined)
      errors.push({
        key: `${key}.clientSecret`,
        message: `${rawSecret} is not set: set the environment variable ${accountsSecretEnvName(rawSecret)}`,
      });
    clientSecret = value ?? '';
  } else if (rawSecret !== '') {
    errors.push({
      key: `${key}.clientSecret`,
      message: `write a reference ($oidc.clientSecret) and set ${accountsSecretEnvName('$oidc.clientSecret')}, not the secret itself`,
    });
  }
  let requestedScopes = DEFAULT_REQUESTED_SCOPES;
  if (o['requestedScopes'] !== undefined) {
    const scopes = o['requestedScopes'];
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && /^[\x21-\x7e]+$/.test(s)))
      errors.push({ key: `${key}.requestedScopes`, message: 'must be a list of scope names' });
    else requestedScopes = scopes as string[];
    if (!requestedScopes.includes('openid'))
      errors.push({ key: `${key}.requestedScopes`, message: 'must include openid' });
  }
  const groupsClaim = str('groupsClaim', false) ?? 'groups';
  if (errors.length > before || issuer === undefined || clientID === undefined) return undefined;
  return { name: str('name', false) ?? 'OIDC', issuer, clientID, clientSecret, requestedScopes, groupsClaim };
}
