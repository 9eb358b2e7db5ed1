import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileExpr } from '@berth/expr';
import {
  MAX_DELIVERED_ENTRIES,
  conditionKey,
  emptyTriggerState,
  evaluateTriggers,
  isSyncStatusOutOfDate,
  markDelivered,
  parseTriggerState,
} from './trigger.evaluator';
import type { TriggerDefinition, TriggerState } from './trigger.types';

// Jest runs from the repository root (jest.config.mjs rootDir).
const TESTDATA = join(process.cwd(), 'libs', 'notifications', 'testdata');
const NOW = Date.parse('2026-01-10T12:30:00Z');

function loadCatalogTriggers(): Record<string, TriggerDefinition> {
  const dir = join(TESTDATA, 'catalog', 'triggers');
  const out: Record<string, TriggerDefinition> = {};
  for (const file of readdirSync(dir)) {
    const name = file.replace(/\.yaml$/, '');
    const list = parse(readFileSync(join(dir, file), 'utf8')) as Array<{
      when: unknown;
      send: string[];
      oncePer?: string;
    }>;
    out[name] = {
      name,
      conditions: list.map((c) => ({
        when: compileExpr(String(c.when)),
        send: c.send,
        oncePer: c.oncePer ? compileExpr(c.oncePer) : undefined,
      })),
    };
  }
  return out;
}

function loadApp(name: string): Record<string, unknown> {
  return parse(readFileSync(join(TESTDATA, 'apps', `${name}.yaml`), 'utf8')) as Record<string, unknown>;
}

function trigger(name: string, when: string, oncePer?: string): Record<string, TriggerDefinition> {
  return {
    [name]: {
      name,
      conditions: [
        {
          when: compileExpr(when),
          send: [`${name}-template`],
          oncePer: oncePer ? compileExpr(oncePer) : undefined,
        },
      ],
    },
  };
}

const catalog = { triggers: loadCatalogTriggers() };
const CATALOG_NAMES = [
  'on-created',
  'on-deleted',
  'on-deployed',
  'on-health-degraded',
  'on-sync-failed',
  'on-sync-running',
  'on-sync-status-unknown',
  'on-sync-succeeded',
] as const;

describe('catalog triggers on Argo-CD-shaped Applications (fresh state)', () => {
  const REV1 = '4f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4';
  // Expected fired triggers, and their oncePer key (Go %v; nil oncePer -> edge-triggered, key undefined).
  // Rows 01-04 are the table of the spec, checked against Argo CD's Go expr.
  const cases: Array<[string, Record<string, string | undefined>]> = [
    [
      '01-single-source-succeeded-healthy',
      { 'on-created': 'guestbook', 'on-deployed': REV1, 'on-sync-succeeded': REV1 },
    ],
    [
      '02-multi-source-failed-degraded',
      { 'on-created': 'platform', 'on-health-degraded': undefined, 'on-sync-failed': undefined },
    ],
    ['03-no-operation-unknown', { 'on-created': 'broken-repo', 'on-sync-status-unknown': undefined }],
    ['04-running-progressing', { 'on-created': 'guestbook', 'on-sync-running': undefined }],
    ['05-deleting', { 'on-created': 'old-app', 'on-deleted': 'old-app' }],
    [
      '06-single-source-degraded-after-sync',
      {
        'on-created': 'guestbook',
        'on-health-degraded': '6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b',
        'on-sync-succeeded': '6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b',
      },
    ],
    [
      '07-synced-healthy-long-before-operation',
      { 'on-created': 'guestbook', 'on-sync-succeeded': '7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c' },
    ],
    [
      '08-operation-error',
      { 'on-created': 'guestbook', 'on-sync-failed': '8d8d8d8d8d8d8d8d8d8d8d8d8d8d8d8d8d8d8d8d' },
    ],
  ];
  it.each(cases)('%s', (appName, expected) => {
    const result = evaluateTriggers(catalog, loadApp(appName), undefined, {
      now: NOW,
      triggers: CATALOG_NAMES,
    });
    const fired = Object.fromEntries(result.fire.map((f) => [f.trigger, f.oncePerKey]));
    expect(fired).toEqual(expected);
    for (const f of result.fire) expect(f.send).toEqual([`app-${f.trigger.slice(3)}`]);
  });

  it('fires nothing on an app without a status, and reports the nil accesses as issues', () => {
    const app = { metadata: { name: 'new' }, spec: {} };
    const result = evaluateTriggers(catalog, app, undefined, { now: NOW });
    expect(result.fire.map((f) => f.trigger)).toEqual(['on-created']);
    // Every condition reading app.status fails on a nil status (Argo CD logs these and does not trigger).
    expect(result.issues.map((i) => i.trigger).sort()).toEqual(
      CATALOG_NAMES.filter((n) => n !== 'on-created' && n !== 'on-deleted'),
    );
    for (const issue of result.issues) expect(issue.message).toMatch(/cannot fetch \w+ from <nil>/);
  });
});

describe('trigger state across evaluations', () => {
  it('an edge-triggered condition fires when it becomes true and re-arms when it becomes false', () => {
    const config = { triggers: trigger('on-out-of-sync', "app.status.sync.status == 'OutOfSync'") };
    const states = ['OutOfSync', 'OutOfSync', 'Synced', 'OutOfSync', 'OutOfSync'];
    let state: TriggerState | undefined;
    const firedPerStep: number[] = [];
    for (const status of states) {
      const r = evaluateTriggers(config, { status: { sync: { status } } }, state, { now: NOW });
      firedPerStep.push(r.fire.length);
      state = r.nextState;
    }
    expect(firedPerStep).toEqual([1, 0, 0, 1, 0]);
  });

  it('oncePer fires once per value, only after markDelivered, and survives the condition going false', () => {
    const config = {
      triggers: trigger(
        'on-sync-succeeded',
        "app.status.operationState.phase == 'Succeeded'",
        'app.status.operationState.syncResult.revision',
      ),
    };
    const appAt = (phase: string, revision: string) => ({
      status: { operationState: { phase, syncResult: { revision } } },
    });
    const first = evaluateTriggers(config, appAt('Succeeded', 'r1'), undefined, { now: NOW });
    expect(first.fire).toHaveLength(1);
    expect(first.fire[0]!.oncePerKey).toBe('r1');

    // Not delivered yet (send failed or still queued): the next evaluation fires it again.
    const retry = evaluateTriggers(config, appAt('Succeeded', 'r1'), first.nextState, { now: NOW + 1000 });
    expect(retry.fire).toHaveLength(1);

    const delivered = markDelivered(retry.nextState, retry.fire[0]!, NOW + 2000);
    const after = evaluateTriggers(config, appAt('Succeeded', 'r1'), delivered, { now: NOW + 3000 });
    expect(after.fire).toHaveLength(0);

    const running = evaluateTriggers(config, appAt('Running', 'r1'), after.nextState, { now: NOW + 4000 });
    const again = evaluateTriggers(config, appAt('Succeeded', 'r1'), running.nextState, { now: NOW + 5000 });
    expect(again.fire).toHaveLength(0);

    const next = evaluateTriggers(config, appAt('Succeeded', 'r2'), again.nextState, { now: NOW + 6000 });
    expect(next.fire.map((f) => f.oncePerKey)).toEqual(['r2']);
  });

  it('a nil oncePer (multi-source app) falls back to edge triggering instead of "once ever"', () => {
    const multi = loadApp('02-multi-source-failed-degraded');
    const healthy = structuredClone(multi);
    (healthy.status as { operationState: { phase: string } }).operationState.phase = 'Succeeded';
    const r1 = evaluateTriggers(catalog, multi, undefined, { now: NOW, triggers: ['on-sync-failed'] });
    expect(r1.fire).toHaveLength(1);
    const r2 = evaluateTriggers(catalog, multi, r1.nextState, { now: NOW, triggers: ['on-sync-failed'] });
    expect(r2.fire).toHaveLength(0);
    const r3 = evaluateTriggers(catalog, healthy, r2.nextState, { now: NOW, triggers: ['on-sync-failed'] });
    const r4 = evaluateTriggers(catalog, multi, r3.nextState, { now: NOW, triggers: ['on-sync-failed'] });
    expect(r4.fire).toHaveLength(1);
  });

  it('a runtime error in when is an issue and not a trigger; an oncePer error falls back to edge triggering', () => {
    const config = { triggers: trigger('t', 'app.status.a.b == 1', 'app.status.missing.x') };
    const bad = evaluateTriggers(config, { status: {} }, undefined, { now: NOW });
    expect(bad.fire).toHaveLength(0);
    expect(bad.issues).toEqual([
      {
        trigger: 't',
        conditionIndex: 0,
        field: 'when',
        message: expect.stringContaining('cannot fetch b from <nil>'),
      },
    ]);
    const good = evaluateTriggers(config, { status: { a: { b: 1 } } }, bad.nextState, { now: NOW });
    expect(good.fire.map((f) => f.oncePerKey)).toEqual([undefined]);
    expect(good.issues.map((i) => i.field)).toEqual(['oncePer']);
    expect(
      evaluateTriggers(config, { status: { a: { b: 1 } } }, good.nextState, { now: NOW }).fire,
    ).toHaveLength(0);
  });

  it('keeps edge state of triggers that were not evaluated this time', () => {
    const config = { triggers: { ...trigger('a', 'true'), ...trigger('b', 'true') } };
    const both = evaluateTriggers(config, {}, undefined, { now: NOW });
    expect(both.fire.map((f) => f.trigger)).toEqual(['a', 'b']);
    const onlyA = evaluateTriggers(config, {}, both.nextState, { now: NOW, triggers: ['a'] });
    const bothAgain = evaluateTriggers(config, {}, onlyA.nextState, { now: NOW });
    expect(bothAgain.fire).toHaveLength(0);
  });

  it('editing a condition changes its key, so the new condition starts unarmed', () => {
    expect(conditionKey(0, 'true')).toBe('[0].X_5TO4MPCKAyY0ipFgr6_IraRNs');
    const before = evaluateTriggers({ triggers: trigger('t', 'true') }, {}, undefined, { now: NOW });
    const after = evaluateTriggers({ triggers: trigger('t', 'true == true') }, {}, before.nextState, {
      now: NOW,
    });
    expect(after.fire).toHaveLength(1);
  });

  it('markDelivered keeps the newest entries only', () => {
    let state = emptyTriggerState();
    for (let i = 0; i < MAX_DELIVERED_ENTRIES + 5; i++) {
      state = markDelivered(
        state,
        { trigger: 't', conditionIndex: 0, conditionKey: '[0].k', send: [], oncePerKey: `rev${i}` },
        NOW + i,
      );
    }
    const keys = Object.keys(state.delivered);
    expect(keys).toHaveLength(MAX_DELIVERED_ENTRIES);
    expect(keys).not.toContain('t/[0].k/rev4');
    expect(keys).toContain('t/[0].k/rev5');
  });

  it('markDelivered of an edge-triggered condition changes nothing', () => {
    const state = emptyTriggerState();
    const fired = { trigger: 't', conditionIndex: 0, conditionKey: '[0].k', send: [], oncePerKey: undefined };
    expect(markDelivered(state, fired, NOW)).toBe(state);
  });

  it('parses persisted state leniently', () => {
    expect(parseTriggerState('{not json')).toEqual(emptyTriggerState());
    expect(parseTriggerState(undefined)).toEqual(emptyTriggerState());
    expect(parseTriggerState('{"active":{"a":1,"b":"x"},"delivered":[]}')).toEqual({
      active: { a: 1 },
      delivered: {},
    });
  });
});

describe('isSyncStatusOutOfDate', () => {
  const cases: Array<[string, Record<string, unknown>, boolean]> = [
    [
      'finished after reconcile',
      {
        reconciledAt: '2026-01-10T11:57:00Z',
        operationState: { phase: 'Succeeded', finishedAt: '2026-01-10T11:58:00Z' },
      },
      true,
    ],
    [
      'reconciled after finish',
      {
        reconciledAt: '2026-01-10T11:59:00Z',
        operationState: { phase: 'Succeeded', finishedAt: '2026-01-10T11:58:00Z' },
      },
      false,
    ],
    [
      'observed after finish',
      {
        reconciledAt: '2026-01-10T11:00:00Z',
        observedAt: '2026-01-10T11:59:00Z',
        operationState: { phase: 'Failed', finishedAt: '2026-01-10T11:58:00Z' },
      },
      false,
    ],
    ['still running', { reconciledAt: '2026-01-10T11:00:00Z', operationState: { phase: 'Running' } }, false],
    ['no operation', {}, false],
  ];
  it.each(cases)('%s', (_name, status, expected) => {
    expect(isSyncStatusOutOfDate({ status })).toBe(expected);
  });
});
