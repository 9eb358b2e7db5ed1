import {
  boolean,
  integer,
  listOf,
  object,
  quote,
  string,
  type FieldCheck,
} from '../application/field-checks';
import { closestMatch } from '../application/edit-distance';
import { childPath } from '../application/validation-issue';
import { parseDuration } from '../shared/duration';
import { selectorGlob } from './sync-window.validator';

/** More approvers than this is a typo rather than a policy (and could never be met by a small team). */
export const MAX_REQUIRED_APPROVALS = 10;
/** A request may wait at most this long: an approval given a month later approves a stale change. */
export const MAX_APPROVAL_EXPIRY_MS = 30 * 24 * 3_600_000;
const DESCRIPTION_MAX = 255;

/** The approval time limit: a Go duration, more than zero, at most 30 days. */
export function approvalExpiryMs(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms !== undefined && ms > 0 && ms <= MAX_APPROVAL_EXPIRY_MS ? ms : undefined;
}

const requiredApprovals: FieldCheck = (value, path, issues) => {
  const before = issues.errors.length;
  integer({ min: 1, meaning: 'a sync needs at least 1 approval; remove the entry to need none' })(
    value,
    path,
    issues,
  );
  if (issues.errors.length === before && (value as number) > MAX_REQUIRED_APPROVALS)
    issues.error(
      path,
      `${value as number} is above the maximum of ${MAX_REQUIRED_APPROVALS}`,
      `require at most ${MAX_REQUIRED_APPROVALS} approvals`,
    );
};

const FIELDS: Record<string, FieldCheck> = {
  applications: listOf(selectorGlob),
  namespaces: listOf(selectorGlob),
  clusters: listOf(selectorGlob),
  andOperator: boolean,
  requiredApprovals,
  expiresAfter: string((text, path, issues) => {
    if (approvalExpiryMs(text) === undefined)
      issues.error(
        path,
        `${quote(text)} is not a duration between 1s and 720h`,
        'use a Go duration such as "24h", "30m" or "2h30m" (at most 720h, 30 days)',
      );
  }),
  description: string((text, path, issues) => {
    if (text.length > DESCRIPTION_MAX)
      issues.error(path, `is ${text.length} characters long`, `keep it to ${DESCRIPTION_MAX}`);
  }),
};

const SELECTORS = ['applications', 'namespaces', 'clusters'];

/**
 * One entry of `spec.syncApprovals` (Berth's; docs/approvals.md): selectors as a sync window's, the number of
 * approvers, and how long a request waits. Stricter than the rest of a project: an entry that selects
 * nothing, and an unknown field in an entry (`requiredAproval: 2` would silently mean 1), are errors, since
 * either would leave an environment less guarded than its author believes.
 */
export const syncApprovalCheck: FieldCheck = object({
  fields: FIELDS,
  rules: (entry, path, issues) => {
    for (const key of Object.keys(entry)) {
      if (Object.hasOwn(FIELDS, key)) continue;
      const suggestion = closestMatch(key, Object.keys(FIELDS));
      issues.error(
        childPath(path, key),
        'is not a field of a sync approval',
        suggestion === undefined
          ? `the fields are ${Object.keys(FIELDS).join(', ')}`
          : `did you mean ${JSON.stringify(suggestion)}?`,
      );
    }
    const set = SELECTORS.filter((scope) => Array.isArray(entry[scope]) && entry[scope].length > 0);
    if (set.length === 0)
      issues.error(path, 'applies to nothing', 'list applications, namespaces or clusters ("*" for all)');
    if (entry.andOperator === true && set.length < 2)
      issues.warn(
        childPath(path, 'andOperator'),
        'has no effect with a single selector',
        'list two or more of applications, namespaces and clusters, or remove it',
      );
  },
});
