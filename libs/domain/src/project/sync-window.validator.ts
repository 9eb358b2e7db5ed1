import { boolean, listOf, object, quote, string, type FieldCheck } from '../application/field-checks';
import { childPath, type IssueCollector } from '../application/validation-issue';
import { globToRegExp } from './argo-glob';
import { parseWindowSchedule, timeZoneProblem, windowDurationMs } from './sync-window-schedule';

/** Argo CD's CRD caps a window's description at 255 characters. */
const DESCRIPTION_MAX = 255;

/** A glob that does not compile matches nothing in Argo CD, silently: refuse it instead. */
export const selectorGlob = string((pattern, path, issues) => {
  if (globToRegExp(pattern) === undefined)
    issues.error(
      path,
      `${quote(pattern)} is not a glob pattern`,
      'close every "[" and "{", or escape it with "\\"',
    );
});

/**
 * One entry of `spec.syncWindows`, checked as Argo CD's SyncWindow.Validate does and further: a time zone
 * Argo CD cannot load (it warns and uses UTC), a pattern that matches nothing, a zero duration and a
 * schedule that never happens are refused here rather than read differently later.
 */
export const syncWindowCheck: FieldCheck = object({
  fields: {
    kind: string((text, path, issues) => {
      if (text !== 'allow' && text !== 'deny')
        issues.error(path, `${quote(text)} is not a window kind`, 'use "allow" or "deny"');
    }),
    schedule: string((text, path, issues) => {
      const parsed = parseWindowSchedule(text);
      if (!parsed.ok) issues.error(path, parsed.message, parsed.fix);
    }),
    duration: string((text, path, issues) => {
      if (windowDurationMs(text) === undefined)
        issues.error(
          path,
          `${quote(text)} is not a duration`,
          'use e.g. "1h", "30m" or "1h30m" (more than zero)',
        );
    }),
    applications: listOf(selectorGlob),
    namespaces: listOf(selectorGlob),
    clusters: listOf(selectorGlob),
    manualSync: boolean,
    timeZone: string((text, path, issues) => {
      const problem = timeZoneProblem(text);
      if (problem) issues.error(path, problem.message, problem.fix);
    }),
    andOperator: boolean,
    description: string((text, path, issues) => {
      if (text.length > DESCRIPTION_MAX)
        issues.error(
          path,
          `is ${text.length} characters long`,
          `keep it to ${DESCRIPTION_MAX} (Argo CD's limit)`,
        );
    }),
    syncOverrun: (value: unknown, path: string, issues: IssueCollector) => {
      boolean(value, path, issues);
      if (value === true)
        issues.warn(
          path,
          'Berth does not let a sync overrun a window yet: a running sync waits while a window forbids it',
          'expect syncs to pause at the window, or remove syncOverrun',
        );
    },
  },
  required: {
    kind: 'set kind: allow or deny',
    schedule: 'set a cron schedule, e.g. "0 22 * * *"',
    duration: 'set how long the window lasts, e.g. "1h"',
  },
  rules: (window, path, issues) => {
    const scopes = ['applications', 'namespaces', 'clusters'];
    if (!scopes.some((scope) => Array.isArray(window[scope]) && window[scope].length > 0)) {
      issues.error(path, 'applies to nothing', 'list applications, namespaces or clusters ("*" for all)');
    }
    if (
      window.andOperator === true &&
      scopes.filter((scope) => Array.isArray(window[scope]) && window[scope].length > 0).length < 2
    )
      issues.warn(
        childPath(path, 'andOperator'),
        'has no effect with a single selector',
        'list two or more of applications, namespaces and clusters, or remove it',
      );
  },
});
