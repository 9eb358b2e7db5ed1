import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formatIssue } from '../application/validation-issue';
import { validateAppProject } from './app-project.validator';

/** A project whose only window is `window` (YAML, as people write it). */
function projectWith(windowYaml: string): unknown {
  const indented = windowYaml
    .trim()
    .split('\n')
    .map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`))
    .join('\n');
  return parse(`apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: { name: team-a }
spec:
  sourceRepos: ['*']
  destinations: [{ server: '*', namespace: '*' }]
  syncWindows:
${indented}
`);
}

const errorsOf = (windowYaml: string) => {
  const result = validateAppProject(projectWith(windowYaml));
  return result.ok ? [] : result.errors.map(formatIssue);
};
const warningsOf = (windowYaml: string) =>
  validateAppProject(projectWith(windowYaml)).warnings.map(formatIssue);

describe('spec.syncWindows[]: refused with the field and the fix', () => {
  it("accepts Argo CD's documented windows", () => {
    const project: unknown = parse(`apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: { name: default }
spec:
  syncWindows:
  - kind: allow
    schedule: '10 1 * * *'
    duration: 1h
    applications: ['*-prod']
    manualSync: true
  - kind: deny
    schedule: '0 22 * * *'
    timeZone: "Europe/Amsterdam"
    duration: 1h
    namespaces: [default]
  - kind: allow
    schedule: '0 23 * * *'
    duration: 1h
    clusters: [in-cluster, cluster1]
  - kind: deny
    schedule: '0 9 * * MON-FRI'
    duration: 1h30m
    applications: ['web-*']
    namespaces: ['prod-*']
    andOperator: true
    description: office hours freeze
`);
    expect(validateAppProject(project)).toMatchObject({ ok: true, warnings: [] });
  });

  it.each<[string, string, string]>([
    [
      'a kind other than allow or deny',
      `kind: block\nschedule: '0 22 * * *'\nduration: 1h\napplications: ['*']`,
      'spec.syncWindows[0].kind: "block" is not a window kind; use "allow" or "deny"',
    ],
    [
      'six fields',
      `kind: deny\nschedule: '0 0 22 * * *'\nduration: 1h\napplications: ['*']`,
      'spec.syncWindows[0].schedule: "0 0 22 * * *" is not a cron schedule; use five fields: minute hour day-of-month month day-of-week, e.g. "0 22 * * *"',
    ],
    [
      'Sunday as 7',
      `kind: deny\nschedule: '0 22 * * 7'\nduration: 1h\napplications: ['*']`,
      'spec.syncWindows[0].schedule: "0 22 * * 7" is not a cron schedule: day-of-week field: 7 is above the day-of-week maximum of 6; use five fields: minute hour day-of-month month day-of-week, e.g. "0 22 * * *"',
    ],
    [
      'a descriptor',
      `kind: deny\nschedule: '@daily'\nduration: 1h\napplications: ['*']`,
      'spec.syncWindows[0].schedule: "@daily" is a descriptor, which Argo CD\'s sync windows do not accept; use five fields: minute hour day-of-month month day-of-week, e.g. "0 0 * * *" for @daily',
    ],
    [
      'a duration in words',
      `kind: deny\nschedule: '0 22 * * *'\nduration: 8 hours\napplications: ['*']`,
      'spec.syncWindows[0].duration: "8 hours" is not a duration; use e.g. "1h", "30m" or "1h30m" (more than zero)',
    ],
    [
      'a zero duration',
      `kind: deny\nschedule: '0 22 * * *'\nduration: 0s\napplications: ['*']`,
      'spec.syncWindows[0].duration: "0s" is not a duration; use e.g. "1h", "30m" or "1h30m" (more than zero)',
    ],
    [
      'an unknown time zone',
      `kind: deny\nschedule: '0 22 * * *'\nduration: 1h\ntimeZone: Europe/Atlantis\napplications: ['*']`,
      'spec.syncWindows[0].timeZone: "Europe/Atlantis" is not an IANA time zone; use a name from the tz database, e.g. "Europe/Berlin", "America/New_York" or "UTC"',
    ],
    [
      'a time zone in the wrong case',
      `kind: deny\nschedule: '0 22 * * *'\nduration: 1h\ntimeZone: europe/berlin\napplications: ['*']`,
      'spec.syncWindows[0].timeZone: "europe/berlin" is not written as the tz database writes it; write "Europe/Berlin" (Argo CD would read the other spelling as UTC)',
    ],
    [
      'a glob that does not compile',
      `kind: deny\nschedule: '0 22 * * *'\nduration: 1h\napplications: ['web-[ab']`,
      'spec.syncWindows[0].applications[0]: "web-[ab" is not a glob pattern; close every "[" and "{", or escape it with "\\"',
    ],
    [
      'no selector',
      `kind: deny\nschedule: '0 22 * * *'\nduration: 1h`,
      'spec.syncWindows[0]: applies to nothing; list applications, namespaces or clusters ("*" for all)',
    ],
    [
      'manualSync as a string',
      `kind: deny\nschedule: '0 22 * * *'\nduration: 1h\napplications: ['*']\nmanualSync: "true"`,
      'spec.syncWindows[0].manualSync: expected a boolean, got a string ("true"); write true without quotes',
    ],
    [
      'a description over 255 characters',
      `kind: deny\nschedule: '0 22 * * *'\nduration: 1h\napplications: ['*']\ndescription: ${'x'.repeat(256)}`,
      "spec.syncWindows[0].description: is 256 characters long; keep it to 255 (Argo CD's limit)",
    ],
  ])('%s', (_what, windowYaml, expected) => {
    expect(errorsOf(windowYaml)).toEqual([expected]);
  });

  it('reports every problem of a window at once', () => {
    expect(
      errorsOf(`kind: deny\nschedule: 'nightly'\nduration: 1d\ntimeZone: CET+1\napplications: ['*']`),
    ).toHaveLength(3);
  });

  it('warns that syncOverrun is not honoured, and that andOperator needs two selectors', () => {
    expect(
      warningsOf(
        `kind: deny\nschedule: '0 22 * * *'\nduration: 1h\napplications: ['*']\nsyncOverrun: true\nandOperator: true`,
      ),
    ).toEqual([
      'spec.syncWindows[0].syncOverrun: Berth does not let a sync overrun a window yet: a running sync waits while a window forbids it; expect syncs to pause at the window, or remove syncOverrun',
      'spec.syncWindows[0].andOperator: has no effect with a single selector; list two or more of applications, namespaces and clusters, or remove it',
    ]);
  });
});

describe('docs/sync-windows.md', () => {
  it('its example project is valid, without warnings', () => {
    const doc = readFileSync(join(process.cwd(), 'docs/sync-windows.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const project: unknown = parse(yaml);
    expect(validateAppProject(project)).toMatchObject({ ok: true, warnings: [] });
  });
});
