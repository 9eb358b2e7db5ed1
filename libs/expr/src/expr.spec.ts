import { describe, expect, it } from '@jest/globals';
import { GO_DURATIONS, GoDuration, GoLocation, GoTime, parseRfc3339 } from '@berth/golang';
import { compileExpr } from './expr';
import { ExprRuntimeError, ExprSyntaxError } from './expr.errors';
import { ExprNamespace } from './expr-namespace';

const NOW = Date.parse('2026-01-10T12:00:00Z');

const app = {
  metadata: { name: 'guestbook', annotations: { 'example.com/version': 'v2' }, labels: { team: 'web' } },
  spec: { source: { repoURL: 'https://github.com/acme/guestbook.git' } },
  status: {
    sync: { status: 'Synced', revision: 'abc123' },
    health: { status: 'Healthy', lastTransitionTime: '2026-01-10T11:58:30Z' },
    operationState: {
      phase: 'Succeeded',
      startedAt: '2026-01-10T11:57:00Z',
      finishedAt: '2026-01-10T11:58:00Z',
      syncResult: { revision: 'abc123' },
    },
    resources: [{ kind: 'Deployment' }, { kind: 'Service' }],
    replicas: 3,
    nullField: null,
  },
};

// An environment shaped like Argo CD's (libs/notifications builds the real one: createTriggerEnv).
const env = {
  app,
  context: { argocdUrl: 'https://argo', notificationType: '' },
  time: new ExprNamespace('time', {
    ...Object.fromEntries(Object.entries(GO_DURATIONS).map(([name, ns]) => [name, new GoDuration(ns)])),
    Now: () => new GoTime(NOW, 0, GoLocation.UTC),
    Parse: ([s]: unknown[]) => {
      if (typeof s !== 'string')
        throw new Error(`needs one RFC 3339 string, got ${s == null ? '<nil>' : typeof s}`);
      return parseRfc3339(s);
    },
  }),
  strings: new ExprNamespace('strings', { ToUpper: ([s]: unknown[]) => String(s).toUpperCase() }),
};

function run(source: string): unknown {
  return compileExpr(source).evaluate(env, { now: NOW });
}

describe('expr evaluation (expr-lang semantics on Go maps)', () => {
  const cases: Array<[string, unknown]> = [
    // comparison and logic
    ["app.status.sync.status == 'Synced'", true],
    ['app.status.sync.status == "Synced"', true],
    ["app.status.sync.status != 'Synced'", false],
    ['app.status.replicas > 2 && app.status.replicas <= 3', true],
    ['app.status.replicas >= 4 || app.status.replicas < 1', false],
    ["'a' < 'b'", true],
    ['true and not false', true],
    ['!true or false', false],
    ['!(1 == 2)', true],
    ['(1 == 1) and (2 == 2 or 3 == 4)', true],
    // missing fields are nil, nil is only equal to nil
    ['app.status.nosuch == nil', true],
    ['app.status.nullField == nil', true],
    ['app.status.operationState != nil', true],
    ["app.status.nosuch == ''", false],
    ["'Synced' == 1", false],
    ['1 == 1.0', true],
    ['nil == nil', true],
    // membership
    ["app.status.operationState.phase in ['Succeeded']", true],
    ["app.status.operationState.phase in ['Error', 'Failed']", false],
    ["app.status.operationState.phase not in ['Error', 'Failed']", true],
    ["'team' in app.metadata.labels", true],
    ["'owner' in app.metadata.labels", false],
    ["app.status.nosuch in ['a']", false],
    ['2 in 1..3', true],
    // optional chaining and ??
    ['app.status.operationState?.syncResult?.revision', 'abc123'],
    ['app.status.nosuch?.syncResult?.revision', null],
    ['app.status.nosuch?.a.b.c', null],
    ["app.status.nosuch?.revision ?? 'none'", 'none'],
    ["app.status.sync.revision ?? 'none'", 'abc123'],
    ["app.metadata?.['name']", 'guestbook'],
    // indexing
    ['app.metadata.annotations["example.com/version"]', 'v2'],
    ["app.metadata.annotations['missing']", null],
    ['app.status.resources[1].kind', 'Service'],
    ['app.status.resources[-1].kind', 'Service'],
    // string operators
    ["app.metadata.name matches '^guest'", true],
    ["app.metadata.name matches '(?i)^GUEST'", true],
    ["app.metadata.name contains 'book'", true],
    ["app.metadata.name startsWith 'guest'", true],
    ["app.metadata.name endsWith 'guest'", false],
    ["'a' + 'b' == 'ab'", true],
    // arithmetic and precedence
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['2 ** 3 ** 2', 512],
    ['7 % 3', 1],
    ['-2 * 3', -6],
    ['len(app.status.resources)', 2],
    ["len('héllo')", 5],
    ['len(app.metadata.labels)', 1],
    ['true ? 1 : 2', 1],
    ['1_000 + 0.5', 1000.5],
    ["'tab\\tnew\\nline'", 'tab\tnew\nline'],
    ['{a: 1}.a', 1],
    // time functions, as Argo CD's on-deployed uses them
    [
      'time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.startedAt))',
      false,
    ],
    [
      'time.Parse(app.status.health.lastTransitionTime).Add(1 * time.Minute).Before(time.Parse(app.status.operationState.finishedAt))',
      false,
    ],
    ['time.Now().Sub(time.Parse(app.status.operationState.finishedAt)).Minutes() >= 2', true],
    ['time.Now().Sub(time.Parse(app.status.operationState.finishedAt)).Minutes()', 2],
    ['time.Now().After(time.Parse(app.status.operationState.finishedAt))', true],
    ["time.Parse('2026-01-10T12:00:00Z') == time.Now()", true],
    [
      'time.Parse(app.status.operationState.finishedAt) < time.Parse(app.status.health.lastTransitionTime)',
      true,
    ],
    ['time.Now() - time.Parse(app.status.operationState.finishedAt) > 90 * time.Second', true],
    ["now() - duration('1h') < time.Now()", true],
    ['time.Hour.Minutes()', 60],
    ["strings.ToUpper(app.metadata.name) == 'GUESTBOOK'", true],
    ["context.argocdUrl == 'https://argo'", true],
    ["context.notificationType == ''", true],
    // prototype members are not fields of a Go map: nil, never a JavaScript function
    ['app.metadata.constructor', null],
    ["app.metadata['__proto__']", null],
  ];
  it.each(cases)('%s -> %p', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });
});

describe('expr runtime errors (a failed condition in Argo CD)', () => {
  const cases: Array<[string, RegExp]> = [
    ['app.status.nosuch.phase', /cannot fetch phase from <nil>/],
    ['app.status.nosuch?.a == nil and app.status.other.x', /cannot fetch x from <nil>/],
    ['app.status.nullField.x', /cannot fetch x from <nil>/],
    ["app.status.nosuch > 'a'", /mismatched types <nil> and string/],
    ['app.status.nosuch and true', /non-bool left operand <nil>/],
    ['!app.status.nosuch', /invalid operation: !/],
    ['app.metadata.name + 1', /mismatched types string and int/],
    ['app.status.resources[5]', /index out of range: 5/],
    ['time.Parse(app.status.nosuch)', /time.Parse: needs one RFC 3339 string, got <nil>/],
    ["time.Parse('yesterday')", /cannot parse "yesterday"/],
    ['time.Now().Add(1)', /Add\(\) needs a time.Duration, got int/],
    ['app.toString()', /has no method toString/],
    ['time.Now().constructor()', /has no method constructor/],
    // a Go value exposes its Go methods, not the JavaScript members of the class behind it
    ['time.Now().wallClock()', /type time.Time has no method wallClock/],
    ['time.Now().toJSON()', /type time.Time has no method toJSON/],
    ['time.Hour.Add(time.Hour)', /type time.Duration has no method Add/],
    ['time.Now().Format()', /Format\(\) takes 1 argument\(s\), got 0/],
    ['time.Now().Before(app.status.operationState.startedAt)', /Before\(\) needs a time.Time, got string/],
    ['unknownFn(1)', /unknown function unknownFn/],
    ["app.metadata.name matches '('", /invalid regular expression/],
  ];
  it.each(cases)('%s', (source, message) => {
    let error: unknown;
    try {
      run(source);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExprRuntimeError);
    expect((error as ExprRuntimeError).message).toMatch(message);
  });
});

describe('expr syntax errors name the token and position', () => {
  const cases: Array<[string, string, number]> = [
    ["app.status.operationState.phase in ['Succeeded'])", 'unexpected token ")"', 48],
    ["app.status.sync.status == 'Synced' and", 'unexpected end of expression', 38],
    ["app.status.sync.status = 'Synced'", 'unexpected character "="', 23],
    ["app.status.sync.status == 'Synced", 'literal not terminated', 26],
    ['app.status.', 'expected a field name after "."', 11],
    ['(1 + 2', 'expected ")" but the expression ended', 6],
    ['', 'unexpected end of expression', 0],
    ['1 2', 'unexpected token "2"', 2],
    // literal operands of the wrong type are compile errors in expr
    ["app.x == 1 or 'x' + 1 == 2", 'invalid operation: + (mismatched types string and int)', 18],
    ['true and 1', 'invalid operation: and (non-bool right operand int)', 5],
  ];
  it.each(cases)('%s', (source, detail, position) => {
    let error: unknown;
    try {
      compileExpr(source);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExprSyntaxError);
    expect((error as ExprSyntaxError).detail).toBe(detail);
    expect((error as ExprSyntaxError).position).toBe(position);
    expect((error as ExprSyntaxError).message).toBe(`${detail} at ${position + 1}`);
  });
});
