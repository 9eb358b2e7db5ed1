import { parseDuration } from '../shared/duration';
import {
  boolean,
  integer,
  isPlainObject,
  listOf,
  object,
  quote,
  string,
  stringMap,
  type FieldCheck,
} from './field-checks';
import { checkSyncOption, checkSyncOptionDuplicates } from './sync-options';
import { childPath, type IssueCollector } from './validation-issue';

/** Argo CD reads backoff durations as plain seconds ("30") or as Go durations ("5s", "2m"). */
export function backoffDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  return parseDuration(trimmed);
}

const backoffDuration = string((text, path, issues) => {
  if (backoffDurationMs(text) === undefined) {
    issues.error(path, `${quote(text)} is not a duration`, 'use e.g. "5s", "2m"');
  }
});

const backoff = object({
  fields: {
    duration: backoffDuration,
    factor: integer({ min: 1, meaning: 'the factor multiplies the wait after each retry: use 1 or more' }),
    maxDuration: backoffDuration,
  },
  rules: (value, path, issues) => {
    if (typeof value.duration !== 'string' || typeof value.maxDuration !== 'string') return;
    const duration = backoffDurationMs(value.duration);
    const maxDuration = backoffDurationMs(value.maxDuration);
    if (duration !== undefined && maxDuration !== undefined && maxDuration < duration) {
      issues.warn(
        childPath(path, 'maxDuration'),
        `${quote(value.maxDuration)} is shorter than duration ${quote(value.duration)}, so every retry waits ${value.maxDuration}`,
        'make maxDuration at least as long as duration',
      );
    }
  },
});

const healthTimeout = string((text, path, issues) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    issues.error(path, `${quote(text)} is not a positive duration`, 'use e.g. "3m", "90s"');
});

const syncOptions: FieldCheck = (value, path, issues) => {
  listOf(string((text, optionPath, optionIssues) => checkSyncOption(text, optionPath, optionIssues)))(
    value,
    path,
    issues,
  );
  if (Array.isArray(value)) checkSyncOptionDuplicates(value, path, issues);
};

function hasCreateNamespace(options: unknown): boolean {
  return (
    Array.isArray(options) &&
    options.some((o) => typeof o === 'string' && o.trim() === 'CreateNamespace=true')
  );
}

export const syncPolicyCheck: FieldCheck = object({
  fields: {
    automated: object({
      fields: { prune: boolean, selfHeal: boolean, allowEmpty: boolean, enabled: boolean },
    }),
    syncOptions,
    retry: object({
      fields: {
        // Argo CD: 0 means no retries, a negative limit retries without end.
        limit: integer(),
        backoff,
        refresh: boolean,
      },
    }),
    managedNamespaceMetadata: object({ fields: { labels: stringMap, annotations: stringMap } }),
    // Berth's automatic rollback (docs/rollback.md); not an Argo CD field.
    autoRollback: object({ fields: { healthTimeout: healthTimeout } }),
  },
  foreign: {
    sourceOverrides: {
      message: 'not an Argo CD field (the seed article proposes it in §5.4); kept but has no effect',
      fix: 'to roll back, pin spec.source.targetRevision (or one entry of spec.sources) to the earlier revision',
    },
  },
  rules: (policy, path, issues: IssueCollector) => {
    if ('automated' in policy && policy.automated === null) {
      issues.warn(
        childPath(path, 'automated'),
        'is empty, so automatic sync is off',
        'write "automated: {}" to sync automatically, or remove the line',
      );
    }
    if (isPlainObject(policy.managedNamespaceMetadata) && !hasCreateNamespace(policy.syncOptions)) {
      issues.warn(
        childPath(path, 'managedNamespaceMetadata'),
        'has no effect without the sync option CreateNamespace=true',
        'add "CreateNamespace=true" to syncOptions',
      );
    }
  },
});
