import { parseDuration } from '@berth/domain';
import type { AccountsConfigIssue } from './accounts-config-issue';
import { type OidcSettings, parseOidcConfig } from './oidc-settings';

export type { AccountsConfigIssue } from './accounts-config-issue';

/** What an account may do (Argo CD's capabilities): `login` for sessions, `apiKey` for API keys. */
export type AccountCapability = 'login' | 'apiKey';

/** A local account as the accounts config declares it; its password and tokens live in Postgres. */
export interface LocalAccount {
  name: string;
  enabled: boolean;
  capabilities: readonly AccountCapability[];
}

/** The `argocd-cm` keys Berth reads: local accounts, anonymous access, session length, password rule. */
export interface AccountsSettings {
  /** Every local account, the built-in `admin` included (disabled with `admin.enabled: "false"`). */
  accounts: ReadonlyMap<string, LocalAccount>;
  /** `users.anonymous.enabled`: requests without a token act as `anonymous` (default false). */
  anonymousEnabled: boolean;
  /** `users.session.duration`: how long a session token lives (default 24h, as Argo CD). */
  sessionDurationSeconds: number;
  /** `passwordPattern`: what a new password must match (default `^.{8,32}$`, as Argo CD). */
  passwordPattern: RegExp;
  /** `url`: Berth's external URL, the base of the SSO callback (`<url>/auth/callback`). */
  url?: string;
  /** `oidc.config`: SSO with an OIDC provider (authorization code + PKCE); absent: no SSO. */
  oidc?: OidcSettings;
}

export type AccountsSettingsResult =
  | { ok: true; settings: AccountsSettings; warnings: AccountsConfigIssue[] }
  | { ok: false; errors: AccountsConfigIssue[]; warnings: AccountsConfigIssue[] };

export const ADMIN_ACCOUNT = 'admin';
/** Argo CD's limit: a longer username is refused at login. */
export const MAX_USERNAME_LENGTH = 32;
export const DEFAULT_SESSION_DURATION_SECONDS = 24 * 3600;
export const DEFAULT_PASSWORD_PATTERN = '^.{8,32}$';

/** Characters of a ConfigMap key, minus `.` (which separates the account name from the suffix). */
const ACCOUNT_NAME = /^[A-Za-z0-9_-]+$/;
const CAPABILITIES: readonly AccountCapability[] = ['login', 'apiKey'];

/** Argo CD parses these with Go's strconv.ParseBool. */
function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** With no config at all: the built-in admin, enabled, with the `login` capability. */
export function defaultAccountsSettings(): AccountsSettings {
  const result = parseAccountsSettings({});
  if (!result.ok) throw new Error('the empty accounts config is valid');
  return result.settings;
}

/**
 * Reads the data map of an `argocd-cm` ConfigMap as Argo CD does (util/settings/accounts.go): `admin` always
 * exists with `login`; `accounts.<name>: apiKey, login` adds an account (or capabilities to admin);
 * `accounts.<name>.enabled` / `admin.enabled` switch one off. Keys Berth does not use (an Argo CD operator's
 * whole argocd-cm: `url`, `resource.customizations` ...) are left alone. Unlike Argo CD, an unknown
 * capability, an unreadable boolean or duration, a bad pattern or a name too long is an error naming the key
 * (the caller keeps its last good config), not a warning.
 */
export function parseAccountsSettings(
  data: Readonly<Record<string, unknown>>,
  secrets: (reference: string) => string | undefined = () => undefined,
): AccountsSettingsResult {
  const errors: AccountsConfigIssue[] = [];
  const warnings: AccountsConfigIssue[] = [];
  const accounts = new Map<string, LocalAccount>([
    [ADMIN_ACCOUNT, { name: ADMIN_ACCOUNT, enabled: true, capabilities: ['login'] }],
  ]);
  const text = (key: string, value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean' || typeof value === 'number') return String(value);
    errors.push({
      key,
      message: `must be a string (ConfigMap data values are strings), not ${describe(value)}`,
    });
    return undefined;
  };
  const bool = (key: string, value: unknown): boolean | undefined => {
    const raw = text(key, value);
    if (raw === undefined) return undefined;
    const parsed = parseBool(raw.trim());
    if (parsed === undefined)
      errors.push({ key, message: `"${raw}" is not a boolean; write "true" or "false"` });
    return parsed;
  };
  const accountOf = (name: string): LocalAccount =>
    accounts.get(name) ?? { name, enabled: true, capabilities: [] };

  let anonymousEnabled = false;
  let sessionDurationSeconds = DEFAULT_SESSION_DURATION_SECONDS;
  let passwordPattern = new RegExp(DEFAULT_PASSWORD_PATTERN);
  let url: string | undefined;
  let oidc: OidcSettings | undefined;
  for (const [key, value] of Object.entries(data)) {
    if (key === 'admin.enabled') {
      const enabled = bool(key, value);
      if (enabled !== undefined) accounts.set(ADMIN_ACCOUNT, { ...accountOf(ADMIN_ACCOUNT), enabled });
    } else if (key === 'users.anonymous.enabled') {
      anonymousEnabled = bool(key, value) ?? anonymousEnabled;
    } else if (key === 'users.session.duration') {
      const raw = text(key, value);
      const ms = raw === undefined ? undefined : parseDuration(raw);
      if (raw !== undefined && (ms === undefined || ms < 1000))
        errors.push({ key, message: `"${raw}" is not a duration of at least 1s; write e.g. 24h or 8h30m` });
      else if (ms !== undefined) sessionDurationSeconds = Math.floor(ms / 1000);
    } else if (key === 'passwordPattern') {
      const raw = text(key, value);
      if (raw !== undefined)
        try {
          passwordPattern = new RegExp(raw);
        } catch (error) {
          errors.push({ key, message: `not a regular expression: ${(error as Error).message}` });
        }
    } else if (key === 'url') {
      const raw = text(key, value);
      if (raw !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(raw))
        errors.push({
          key,
          message: `"${raw}" is not Berth's external URL; write e.g. https://berth.example.com`,
        });
      else if (raw !== undefined) url = raw.replace(/\/+$/, '');
    } else if (key === 'oidc.config') {
      const raw = text(key, value);
      if (raw !== undefined) oidc = parseOidcConfig(raw, secrets, errors);
    } else if (key === 'dex.config') {
      warnings.push({
        key,
        message: 'Dex is not bundled with Berth: ignored; use oidc.config with your provider',
      });
    } else if (key.startsWith('accounts.')) {
      const [, name = '', suffix, ...more] = key.split('.');
      if (more.length > 0 || (suffix !== undefined && suffix !== 'enabled')) {
        warnings.push({
          key,
          message: 'not an account key (accounts.<name> or accounts.<name>.enabled): ignored',
        });
        continue;
      }
      if (!ACCOUNT_NAME.test(name) || name.length > MAX_USERNAME_LENGTH) {
        errors.push({
          key,
          message: `account name "${name}" must be 1 to ${MAX_USERNAME_LENGTH} letters, digits, - or _`,
        });
        continue;
      }
      if (suffix === 'enabled') {
        const enabled = bool(key, value);
        if (enabled !== undefined) accounts.set(name, { ...accountOf(name), enabled });
        continue;
      }
      const raw = text(key, value);
      if (raw === undefined) continue;
      const capabilities = [...accountOf(name).capabilities];
      for (const item of raw.split(',').map((c) => c.trim())) {
        if (item === '') continue;
        if (!(CAPABILITIES as readonly string[]).includes(item)) {
          errors.push({ key, message: `unknown capability "${item}"; an account has apiKey and/or login` });
          continue;
        }
        if (!capabilities.includes(item as AccountCapability)) capabilities.push(item as AccountCapability);
      }
      accounts.set(name, { ...accountOf(name), capabilities });
    }
  }
  if (oidc && url === undefined)
    errors.push({
      key: 'url',
      message: "SSO (oidc.config) needs Berth's external URL: the callback is <url>/auth/callback",
    });
  if (errors.length > 0) return { ok: false, errors, warnings };
  return {
    ok: true,
    settings: {
      accounts,
      anonymousEnabled,
      sessionDurationSeconds,
      passwordPattern,
      ...(url !== undefined ? { url } : {}),
      ...(oidc ? { oidc } : {}),
    },
    warnings,
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : typeof value;
}
