import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvRecord } from './policy-csv';
import { assertRbacConfig, formatRbacConfigIssue, parseRbacConfig, policyKeys } from './rbac-config';

const testdata = (file: string): string =>
  readFileSync(join(process.cwd(), 'libs/rbac/src/testdata', file), 'utf8');

function errorsOf(data: Record<string, unknown> | string): string[] {
  const result = parseRbacConfig(data);
  return result.ok ? [] : result.errors.map(formatRbacConfigIssue);
}

function warningsOf(data: Record<string, unknown> | string): string[] {
  return parseRbacConfig(data).warnings.map(formatRbacConfigIssue);
}

describe('parseRbacConfig: argocd-rbac-cm as Argo CD reads it', () => {
  it('loads an Argo CD argocd-rbac-cm unchanged, and the seed example', () => {
    const argo = assertRbacConfig(testdata('argocd-rbac-cm.yaml'));
    expect(argo).toMatchObject({
      defaultRole: 'role:readonly',
      scopes: ['cognito:groups', 'email'],
      matchMode: 'glob',
    });
    expect(argo.policy.map((line) => `${line.source.key}:${line.source.line}:${line.type}`)).toEqual([
      'policy.csv:2:p',
      'policy.csv:4:g',
      'policy.overlay.csv:1:p',
      'policy.overlay.csv:2:p',
      'policy.overlay.csv:3:g',
    ]);
    expect(warningsOf(testdata('argocd-rbac-cm.yaml'))).toEqual([]);
    expect(assertRbacConfig(testdata('seed-argocd-rbac-cm.yaml')).policy).toHaveLength(5);
  });

  it('takes the bare data map as well as a ConfigMap', () => {
    expect(assertRbacConfig({ 'policy.default': 'role:readonly' }).defaultRole).toBe('role:readonly');
    expect(assertRbacConfig('policy.default: role:admin\n').defaultRole).toBe('role:admin');
    expect(assertRbacConfig('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-rbac-cm}\n')).toEqual({
      policy: [],
      defaultRole: '',
      scopes: ['groups'],
      matchMode: 'glob',
    });
  });

  // rbac_test.go TestPolicyCSV: policy.csv first, then policy.<x>.csv in key order, other keys ignored.
  it('composes policy.csv and policy.<name>.csv in key order', () => {
    expect(policyKeys({})).toEqual([]);
    expect(policyKeys({ 'policy.csv': '', UnrelatedKey: 'x' })).toEqual(['policy.csv']);
    expect(
      policyKeys({
        UnrelatedKey: 'x',
        'policy.B.csv': '',
        'policy.A.csv': '',
        'policy.C.csv': '',
        'policy.csv': '',
      }),
    ).toEqual(['policy.csv', 'policy.A.csv', 'policy.B.csv', 'policy.C.csv']);
    const config = assertRbacConfig({
      'policy.B.csv': 'g, b, role:readonly',
      'policy.A.csv': 'g, a, role:readonly',
      'policy.csv': 'g, main, role:readonly',
    });
    expect(config.policy.map((line) => line.subject)).toEqual(['main', 'a', 'b']);
  });

  it('reads scopes as a YAML list, [groups] when absent, and no groups at all when empty', () => {
    expect(assertRbacConfig({ scopes: '[groups, email]' }).scopes).toEqual(['groups', 'email']);
    expect(assertRbacConfig({ scopes: ['cognito:groups'] }).scopes).toEqual(['cognito:groups']);
    expect(assertRbacConfig({}).scopes).toEqual(['groups']);
    expect(assertRbacConfig({ scopes: '' }).scopes).toEqual(['groups']);
    expect(assertRbacConfig({ scopes: '[]' }).scopes).toEqual([]);
  });

  // rbac_test.go TestValidatePolicy and TestLoadPolicyLine: what Argo CD's loader accepts.
  it.each([
    'p, role:admin, projects, delete, *, allow',
    '',
    '#',
    '# Some comment',
    'p, "role,admin", projects, delete, *, allow',
    ' p, role:admin, projects, delete, *, allow ',
    'p, role:Myrole, applications, *, myproj/*, allow',
    'g, your-github-org:your-team, role:org-admin',
  ])('accepts the policy line %j', (line) => {
    expect(errorsOf({ 'policy.csv': line })).toEqual([]);
  });
});

describe('parseRbacConfig: errors name the key, the line and the field', () => {
  it.each<[string, Record<string, unknown> | string, string | string[]]>([
    // rbac_test.go TestValidatePolicy / TestLoadPolicyLine bad lines
    [
      'not a line type',
      { 'policy.csv': 'this, is, not, a, good, policy' },
      'policy.csv line 1: "this" is not a line type; start the line with p (a permission) or g (a role binding)',
    ],
    [
      'a single token',
      { 'policy.csv': 'p' },
      'policy.csv line 1: a p line has 6 fields "p, subject, resource, action, object, effect", this one has 1',
    ],
    [
      'plain text',
      { 'policy.csv': '\n\nSome comment' },
      'policy.csv line 3: "Some comment" is not a line type; start the line with p (a permission) or g (a role binding)',
    ],
    [
      'a missing comma',
      { 'policy.csv': 'p, role:Myrole, applications, *, myproj/* allow' },
      'policy.csv line 1: a p line has 6 fields "p, subject, resource, action, object, effect", this one has 5',
    ],
    [
      'a missing policy type',
      { 'policy.csv': ', role:Myrole, applications, *, myproj/*, allow' },
      'policy.csv line 1: "" is not a line type; start the line with p (a permission) or g (a role binding)',
    ],
    [
      'a g line with too many fields',
      { 'policy.overlay.csv': 'g, alice, role:admin, extra' },
      'policy.overlay.csv line 1: a g line has 3 fields "g, subject, role", this one has 4',
    ],
    [
      'a bad effect',
      { 'policy.csv': 'p, role:x, applications, get, */*, permit' },
      'policy.csv line 1: effect "permit" is neither allow nor deny',
    ],
    [
      'an unknown resource',
      { 'policy.csv': 'p, role:x, application, get, */*, allow' },
      'policy.csv line 1: resource "application" is not a resource; use one of applications, applicationsets, clusters, repositories, projects, accounts, certificates, gpgkeys, logs, exec, extensions, notifications, or "*"',
    ],
    [
      'an unknown action',
      { 'policy.csv': 'p, role:x, applications, synk, */*, allow' },
      'policy.csv line 1: action "synk" is not an action of applications; use one of get, create, update, update/..., delete, delete/..., sync, override, action, action/..., approve, *',
    ],
    [
      'an action the resource does not have',
      { 'policy.csv': 'p, role:x, clusters, sync, *, allow' },
      'policy.csv line 1: action "sync" is not an action of clusters; use one of get, create, update, delete, *',
    ],
    [
      'a path on an action that takes none',
      { 'policy.csv': 'p, role:x, applications, sync/*, */*, allow' },
      'policy.csv line 1: action "sync/*" is not an action of applications; use one of get, create, update, update/..., delete, delete/..., sync, override, action, action/..., approve, *',
    ],
    [
      'a glob action that matches no action',
      { 'policy.csv': 'p, role:x, *, deploy*, *, allow' },
      'policy.csv line 1: action "deploy*" is not an action of *; use one of get, create, update, update/..., delete, delete/..., sync, override, action, action/..., approve, invoke, *',
    ],
    [
      'an empty subject',
      { 'policy.csv': 'p, , applications, get, */*, allow' },
      'policy.csv line 1: the subject is empty; name a role (role:<name>), a local account or an SSO group',
    ],
    [
      'an empty object',
      { 'policy.csv': 'p, role:x, applications, get, , allow' },
      'policy.csv line 1: the object is empty; name one, e.g. my-project/* for applications, or "*"',
    ],
    [
      'a bare quote',
      { 'policy.csv': 'p, role:x, applications, get, a"b, allow' },
      'policy.csv line 1: not a CSV line: column 32: a quote inside an unquoted field; quote the whole field and double the inner quote ("a""b")',
    ],
    [
      'an unclosed quote',
      { 'policy.csv': 'p, "role:x, applications, get, */*, allow' },
      'policy.csv line 1: not a CSV line: column 4: a quoted field is not closed',
    ],
    [
      'a broken glob',
      { 'policy.csv': 'p, role:x, applications, get, dev/[abc, allow' },
      'policy.csv line 1: object "dev/[abc" is not a glob: an unclosed "[" or "{", or a trailing "\\"',
    ],
    [
      'a glob star in regex mode',
      { 'policy.matchMode': 'regex', 'policy.csv': 'p, role:x, applications, *, dev/.*, allow' },
      [
        'policy.csv line 1: action "*" is not a regular expression (',
        '; in regex mode "*" repeats what comes before it: write ".*" for anything',
      ],
    ],
    [
      'a Go inline flag in regex mode',
      { 'policy.matchMode': 'regex', 'policy.csv': 'p, role:x, applications, get, (?i)dev/.*, allow' },
      [
        'policy.csv line 1: object "(?i)dev/.*" is not a regular expression (',
        '; inline flags like "(?i)" are not supported',
      ],
    ],
    [
      'an unknown match mode',
      { 'policy.matchMode': 'regexp' },
      'policy.matchMode: "regexp" is not a match mode; use glob (the default) or regex',
    ],
    [
      'scopes that are not a list',
      { scopes: 'groups' },
      'scopes: must be a list of claim names, e.g. \'[groups, email]\'; got "groups"',
    ],
    [
      'a data value that is not a string',
      { 'policy.default': ['role:readonly'] },
      'policy.default: must be a string (ConfigMap data values are strings); got ["role:readonly"]',
    ],
    ['not YAML', 'policy.csv: [unclosed', 'not valid YAML'],
    [
      'not a map',
      '- policy.csv',
      '(document): expected an argocd-rbac-cm ConfigMap, or its data map with keys like policy.csv and policy.default',
    ],
  ])('%s', (_name, input, expected) => {
    const errors = errorsOf(input);
    expect(errors).toHaveLength(1);
    for (const part of typeof expected === 'string' ? [expected] : expected)
      expect(errors[0]).toContain(part);
  });

  it('reports every problem at once, each with its own key and line', () => {
    expect(
      errorsOf({
        'policy.csv': 'p, role:x, applications, get, */*, allow\np, role:x, clusters, synk, *, allow',
        'policy.extra.csv': '# comment\ng, alice',
        'policy.matchMode': 'glob',
      }),
    ).toEqual([
      'policy.csv line 2: action "synk" is not an action of clusters; use one of get, create, update, delete, *',
      'policy.extra.csv line 2: a g line has 3 fields "g, subject, role", this one has 2',
    ]);
  });
});

describe('parseRbacConfig: warnings keep the config', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'an Argo CD resource Berth lacks',
      { 'policy.csv': 'p, role:x, write-repositories, create, *, allow' },
      'policy.csv line 1: resource "write-repositories" exists in Argo CD but not in Berth: the line has no effect',
    ],
    [
      'an Argo CD action Berth lacks',
      { 'policy.csv': 'p, role:x, exec, debug, */*, allow' },
      'policy.csv line 1: action "debug" on exec exists in Argo CD but not in Berth: the line has no effect',
    ],
    [
      'a trailing blank inside a field',
      { 'policy.csv': 'p, alice , applications, get, */*, allow' },
      'policy.csv line 1: a field ends with a blank, which Argo CD keeps as part of the value',
    ],
    [
      'an application object without a project',
      { 'policy.csv': 'p, role:x, applications, get, my-app, allow' },
      'policy.csv line 1: object "my-app" has no "/": objects of applications are <project>/<name>, so it matches nothing',
    ],
    [
      'a role nothing gives rights to',
      { 'policy.csv': 'g, alice, role:typo' },
      'policy.csv line 1: role "role:typo" has no p line and holds no other role, so this binding grants nothing',
    ],
    [
      'a default role that grants nothing',
      { 'policy.default': 'role:readnoly' },
      'policy.default: role "role:readnoly" has no p line and holds no other role, so it grants nothing',
    ],
    [
      'a project-role subject in policy.csv',
      { 'policy.csv': 'p, proj:p1:ci, applications, sync, p1/*, allow' },
      "is a project role: Berth judges a project token by its project's spec.roles only",
    ],
    [
      'an unanchored object in regex mode',
      { 'policy.matchMode': 'regex', 'policy.csv': 'p, role:x, applications, get, dev/.*, allow' },
      'matches anywhere in the object in regex mode, as in Argo CD',
    ],
    [
      'an unknown key',
      { 'policy.csv': '', 'policy.defualt': 'role:readonly' },
      'policy.defualt: not an argocd-rbac-cm key Berth reads',
    ],
  ])('%s', (_name, data, expected) => {
    const result = parseRbacConfig(data);
    expect(result.ok).toBe(true);
    expect(result.warnings.map(formatRbacConfigIssue)).toEqual([expect.stringContaining(expected)]);
  });

  it('accepts glob and regex patterns that can match an action', () => {
    expect(
      errorsOf({
        'policy.csv': [
          'p, role:x, applications, action/*, */*, allow',
          'p, role:x, applications, delete/*/Pod/*, */*, allow',
          'p, role:x, applications, sy*, */*, allow',
          'p, role:x, applications, "{get,sync}", */*, allow',
          'p, role:x, app*, get, */*, allow',
        ].join('\n'),
      }),
    ).toEqual([]);
    expect(
      errorsOf({
        'policy.matchMode': 'regex',
        'policy.csv': [
          'p, role:x, applications, action/.*, ^dev/.*$, allow',
          'p, role:x, applications, (get|sync), ^dev/.*$, allow',
          'p, role:x, .*, get, ^dev/.*$, allow',
          'p, role:x, applications, ^sync$, ^dev/.*$, allow',
        ].join('\n'),
      }),
    ).toEqual([]);
  });
});

describe('readCsvRecord: Go encoding/csv with TrimLeadingSpace', () => {
  it.each<[string, string[]]>([
    ['p, a, b', ['p', 'a', 'b']],
    ['p,a,b', ['p', 'a', 'b']],
    ['p, "role,admin", b', ['p', 'role,admin', 'b']],
    ['p, "say ""hi""", b', ['p', 'say "hi"', 'b']],
    ['p, a , b', ['p', 'a ', 'b']],
    ['p,,', ['p', '', '']],
  ])('%j', (line, fields) => {
    expect(readCsvRecord(line)).toEqual({ fields });
  });

  it('refuses text after a closing quote', () => {
    expect(readCsvRecord('p, "a" b, c')).toEqual({
      error: 'column 7: text after a closing quote; put a comma right after the quote',
    });
  });
});
