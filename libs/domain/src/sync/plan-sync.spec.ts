import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../diff/kube-object';
import { planSync, type PlanSyncOptions, type SyncWave } from './plan-sync';
import { SyncPlanError } from './sync-plan.error';

interface PlanCase {
  description: string;
  options?: PlanSyncOptions;
  desired: KubeObject[];
  live: KubeObject[];
  expected: { waves: string[]; syncFailWaves: string[] };
}

const dir = join(process.cwd(), 'libs/domain/src/sync/testdata');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as PlanCase] as const);

const describeWaves = (waves: SyncWave[]): string[] =>
  waves.map((w) => `${w.phase} ${w.wave}: ${w.tasks.map((t) => `${t.action} ${t.key}`).join(', ')}`);

const cm = (
  name: string,
  annotations?: Record<string, string>,
  data?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
  ...(data ? { data } : {}),
});

describe('planSync golden cases (testdata/*.yaml)', () => {
  it.each(cases)('%s', (_file, c) => {
    const plan = planSync(c.desired, c.live, c.options);
    expect(describeWaves(plan.waves)).toEqual(c.expected.waves);
    expect(describeWaves(plan.syncFailWaves)).toEqual(c.expected.syncFailWaves);
  });
});

describe('planSync', () => {
  it('carries hook delete policies (BeforeHookCreation by default) and per-resource sync options', () => {
    const hook = cm('h', { 'argocd.argoproj.io/hook': 'PreSync,PostSync' });
    const plan = planSync(
      [hook, cm('a', { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Validate=false' })],
      [],
    );
    const tasks = plan.waves.flatMap((w) => w.tasks);
    expect(tasks.filter((t) => t.hook).map((t) => [t.phase, t.hook?.deletePolicies])).toEqual([
      ['PreSync', ['BeforeHookCreation']],
      ['PostSync', ['BeforeHookCreation']],
    ]);
    expect(tasks.find((t) => t.key === '/ConfigMap/shop/a')?.syncOptions).toMatchObject({
      serverSideApply: true,
      validate: false,
    });
  });

  it('does not prune unless the operation asks to, and says why', () => {
    const plan = planSync([cm('a')], [cm('a'), cm('gone')]);
    expect(plan.waves.flatMap((w) => w.tasks).find((t) => t.key === '/ConfigMap/shop/gone')).toMatchObject({
      action: 'skip',
      reason: 'ignored (requires pruning)',
    });
  });

  it('prunes from the inventory only, and Prune=confirm waits for approval', () => {
    const live = [
      cm('a'),
      cm('unknown'),
      cm('confirm-me', { 'argocd.argoproj.io/sync-options': 'Prune=confirm' }),
    ];
    const inventory = ['/ConfigMap/shop/a', '/ConfigMap/shop/confirm-me'];
    const actions = (confirmed: boolean) =>
      planSync([cm('a')], live, { prune: true, inventory, pruneConfirmed: confirmed })
        .waves.flatMap((w) => w.tasks)
        .map((t) => `${t.action} ${t.key}`);
    expect(actions(false)).toEqual(['apply /ConfigMap/shop/a', 'skip /ConfigMap/shop/confirm-me']);
    expect(actions(true)).toEqual(['apply /ConfigMap/shop/a', 'prune /ConfigMap/shop/confirm-me']);
  });

  it('refuses a plan that deletes everything and applies nothing unless allowEmpty', () => {
    expect(() => planSync([], [cm('a'), cm('b')], { prune: true })).toThrow(SyncPlanError);
    expect(() => planSync([], [cm('a'), cm('b')], { prune: true })).toThrow(
      /delete all 2 resources.*allowEmpty=true/,
    );
    expect(planSync([], [cm('a')], { prune: true, allowEmpty: true }).waves[0]?.tasks[0]?.action).toBe(
      'prune',
    );
  });

  it('fails on a resource another app manages when FailOnSharedResource=true', () => {
    const owners = new Map([['/ConfigMap/shop/a', 'billing']]);
    expect(() =>
      planSync([cm('a')], [], { syncOptions: ['FailOnSharedResource=true'], sharedResourceOwners: owners }),
    ).toThrow(/managed by application "billing"/);
    expect(() => planSync([cm('a')], [], { sharedResourceOwners: owners })).not.toThrow();
  });

  it('skips Synced resources with ApplyOutOfSyncOnly=true, still applying missing and changed ones', () => {
    const desired = [cm('same', undefined, { x: '1' }), cm('changed', undefined, { x: '2' }), cm('new')];
    const live = [cm('same', undefined, { x: '1' }), cm('changed', undefined, { x: '1' })];
    const tasks = planSync(desired, live, { syncOptions: ['ApplyOutOfSyncOnly=true'] }).waves.flatMap(
      (w) => w.tasks,
    );
    expect(tasks.map((t) => `${t.action} ${t.key}`)).toEqual([
      'apply /ConfigMap/shop/changed',
      'apply /ConfigMap/shop/new',
      'skip /ConfigMap/shop/same',
    ]);
  });

  it('applies live values of ignored fields with RespectIgnoreDifferences=true', () => {
    const desired = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { replicas: 1 },
    };
    const live = { ...desired, spec: { replicas: 6 } };
    const plan = planSync([desired], [live], {
      syncOptions: ['RespectIgnoreDifferences=true'],
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    });
    expect(plan.waves[0]?.tasks[0]?.object?.['spec']).toEqual({ replicas: 6 });
  });

  it('gives the same input the same planId, and a different plan a different one', () => {
    const a = planSync([cm('a'), cm('b')], []);
    expect(planSync([cm('b'), cm('a')], []).planId).toBe(a.planId);
    expect(planSync([cm('a'), cm('b', undefined, { x: '1' })], []).planId).not.toBe(a.planId);
    expect(a.planId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives every task a unique id', () => {
    const plan = planSync(
      cases.flatMap(([, c]) => c.desired),
      [],
    );
    const ids = plan.waves.flatMap((w) => w.tasks.map((t) => t.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
