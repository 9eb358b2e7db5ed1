import { closestMatch } from './edit-distance';
import { quote } from './field-checks';
import type { IssueCollector } from './validation-issue';

/** Application-level sync options Argo CD understands, with the values each accepts. Values are case-sensitive. */
export const SYNC_OPTION_VALUES: Readonly<Record<string, readonly string[]>> = {
  CreateNamespace: ['true', 'false'],
  Prune: ['true', 'false', 'confirm'],
  PruneLast: ['true', 'false'],
  ApplyOutOfSyncOnly: ['true', 'false'],
  Replace: ['true', 'false'],
  ServerSideApply: ['true', 'false'],
  Validate: ['true', 'false'],
  FailOnSharedResource: ['true', 'false'],
  RespectIgnoreDifferences: ['true', 'false'],
  PrunePropagationPolicy: ['foreground', 'background', 'orphan'],
  Delete: ['true', 'false', 'confirm'],
  SkipDryRunOnMissingResource: ['true', 'false'],
};

function valuesText(values: readonly string[]): string {
  return values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
}

/** Checks one `Key=Value` entry of `syncPolicy.syncOptions`. */
export function checkSyncOption(option: string, path: string, issues: IssueCollector): void {
  const keys = Object.keys(SYNC_OPTION_VALUES);
  const separator = option.indexOf('=');
  if (separator < 0) {
    const key = closestMatch(option.trim(), keys) ?? option.trim();
    const values = Object.hasOwn(SYNC_OPTION_VALUES, key) ? SYNC_OPTION_VALUES[key] : undefined;
    issues.error(
      path,
      `${quote(option)} is not Key=Value`,
      values === undefined ? `write e.g. "CreateNamespace=true"` : `write "${key}=${values[0]}"`,
    );
    return;
  }
  // Items are trimmed, but not around "=": gitops-engine matches `Key=value` exactly, so "Replace = true"
  // would be silently ignored when the sync runs.
  const rawKey = option.slice(0, separator).trimStart();
  const rawValue = option.slice(separator + 1).trimEnd();
  const key = rawKey.trim();
  const value = rawValue.trim();
  if (key !== rawKey || value !== rawValue) {
    issues.error(
      path,
      `${quote(option)} has spaces around "="; Argo CD and Berth would ignore it`,
      `write "${key}=${value}"`,
    );
    return;
  }
  // Own keys only: "constructor=x" must not find Object.prototype.constructor.
  const allowed = Object.hasOwn(SYNC_OPTION_VALUES, key) ? SYNC_OPTION_VALUES[key] : undefined;
  if (allowed === undefined) {
    const suggestion = closestMatch(key, keys);
    issues.error(
      path,
      `unknown sync option ${quote(key)}`,
      suggestion === undefined
        ? `use one of ${keys.join(', ')}`
        : `did you mean ${JSON.stringify(suggestion)}?`,
    );
    return;
  }
  if (allowed.includes(value)) return;
  const sameIgnoringCase = allowed.find((candidate) => candidate === value.toLowerCase());
  issues.error(
    path,
    `${key} takes ${valuesText(allowed)}, got ${quote(value)}`,
    sameIgnoringCase === undefined
      ? undefined
      : `write "${key}=${sameIgnoringCase}" (values are case-sensitive)`,
  );
}

/** Warns when the same option key appears twice: Argo CD matches the first and the second is misleading. */
export function checkSyncOptionDuplicates(
  options: readonly unknown[],
  path: string,
  issues: IssueCollector,
): void {
  const seen = new Map<string, number>();
  options.forEach((option, index) => {
    if (typeof option !== 'string' || !option.includes('=')) return;
    const key = option.slice(0, option.indexOf('=')).trim();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else
      issues.warn(
        `${path}[${index}]`,
        `${key} is already set by ${path}[${first}]`,
        'keep one entry per option',
      );
  });
}
