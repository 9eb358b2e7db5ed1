import { timingSafeEqual } from 'node:crypto';
import { NOTIFICATION_SECRET_ENV_PREFIX } from '@berth/infra';
import type { SecretLookup } from '@berth/notifications';

export const SECRET_ENV_PREFIX = NOTIFICATION_SECRET_ENV_PREFIX;

/**
 * The notification secrets the notifier was given (argocd-notifications-secret's role): the value of each
 * `$name`, the key two spellings of one secret share, and every secret provided (to bind each one,
 * docs/security.md). Callable as a `SecretLookup`.
 */
export interface NotificationSecrets extends SecretLookup {
  /** `$slack-token` and `$slack.token` are both `SLACK_TOKEN`. */
  keyOf(name: string): string;
  /** Every secret provided, by key. */
  entries(): Array<[key: string, value: string]>;
}

/** `$slack-token` -> `SLACK_TOKEN` (uppercased, `-` and `.` become `_`). */
export function secretKey(name: string): string {
  return name.toUpperCase().replace(/[-.]/g, '_');
}

/** `$slack-token` -> env BERTH_NOTIFICATIONS_SECRET_SLACK_TOKEN. */
export function secretEnvName(name: string): string {
  return SECRET_ENV_PREFIX + secretKey(name);
}

/** Secrets by key (`SLACK_TOKEN`), as BerthConfig.notificationSecrets holds them. */
export function notificationSecrets(values: Readonly<Record<string, string>>): NotificationSecrets {
  const lookup = (name: string) => values[secretKey(name)];
  return Object.assign(lookup, {
    keyOf: secretKey,
    entries: () => Object.entries(values),
  });
}

/** Secrets from `BERTH_NOTIFICATIONS_SECRET_<KEY>` variables of `env`. */
export function envSecretLookup(env: Record<string, string | undefined> = process.env): NotificationSecrets {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (name.startsWith(SECRET_ENV_PREFIX) && value !== undefined)
      values[name.slice(SECRET_ENV_PREFIX.length)] = value;
  return notificationSecrets(values);
}

/** A plain lookup (tests, embedders) as a store: keys are the names, and nothing can be listed. */
export function asNotificationSecrets(lookup: SecretLookup): NotificationSecrets {
  if ('keyOf' in lookup && 'entries' in lookup) return lookup as NotificationSecrets;
  return Object.assign((name: string) => lookup(name), { keyOf: (name: string) => name, entries: () => [] });
}

/** Compares a secret given with a request to the one held, in constant time. */
export function sameSecret(given: string, held: string | undefined): boolean {
  if (held === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(held);
  return a.length === b.length && timingSafeEqual(a, b);
}
