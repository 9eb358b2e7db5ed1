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
  expected: { namespace?: string; waves: string[]; syncFailWaves: string[] };
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
    expect(plan.namespace && `${plan.namespace.action} ${plan.namespace.key}`).toEqual(c.expected.namespace);
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

  it('prunes from the inventory only; Prune=confirm prunes are planned and marked for confirmation', () => {
    const live = [
      cm('a'),
      cm('unknown'),
      cm('confirm-me', { 'argocd.argoproj.io/sync-options': 'Prune=confirm' }),
    ];
    const inventory = ['/ConfigMap/shop/a', '/ConfigMap/shop/confirm-me'];
    const tasks = planSync([cm('a')], live, { prune: true, inventory }).waves.flatMap((w) => w.tasks);
    expect(
      tasks.map((t) => `${t.action} ${t.key}${t.requiresPruneConfirmation ? ' (confirm)' : ''}`),
    ).toEqual(['apply /ConfigMap/shop/a', 'prune /ConfigMap/shop/confirm-me (confirm)']);
  });

  it('Prune=confirm at the app level marks every prune (#22.14)', () => {
    const tasks = planSync([cm('a')], [cm('a'), cm('old')], {
      prune: true,
      syncOptions: ['Prune=confirm'],
    }).waves.flatMap((w) => w.tasks);
    expect(tasks.find((t) => t.action === 'prune')).toMatchObject({
      key: '/ConfigMap/shop/old',
      requiresPruneConfirmation: true,
    });
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

const job = (metadata: Record<string, unknown>, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { namespace: 'shop', ...metadata, annotations } as KubeObject['metadata'],
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
});

describe('planSync hooks (#22.10, #14.1, #22.15, #22.16)', () => {
  it('never applies a hook whose phase Berth does not run (Helm test hooks), reporting it instead', () => {
    const plan = planSync(
      [
        cm('app'),
        { ...job({ name: 'chart-test' }, { 'helm.sh/hook': 'test' }), kind: 'Pod', apiVersion: 'v1' },
        job({ name: 'smoke' }, { 'helm.sh/hook': 'test-success' }),
        job({ name: 'typo' }, { 'argocd.argoproj.io/hook': 'PostSynk' }),
      ],
      [],
    );
    const tasks = plan.waves.flatMap((w) => w.tasks);
    expect(tasks.filter((t) => t.action !== 'skip').map((t) => t.key)).toEqual(['/ConfigMap/shop/app']);
    expect(tasks.find((t) => t.key === '/Pod/shop/chart-test')?.reason).toMatch(
      /^hook not run: helm.sh\/hook: "test" names no phase/,
    );
  });

  it('names generateName hooks per operation and phase, tracked under that name, with the hook finalizer', () => {
    const migrate = job({ generateName: 'migrate-' }, { 'argocd.argoproj.io/hook': 'PreSync,PostSync' });
    const naming = { operationId: 'op-1', revision: 'a1b2c3d4e5f6', application: 'shop' };
    const tasks = planSync([migrate], [], { hookNaming: naming }).waves.flatMap((w) => w.tasks);
    const names = tasks.map((t) => t.object?.metadata.name);
    expect(names).toEqual([
      expect.stringMatching(/^migrate-a1b2c3d-presync-[0-9a-f]{8}$/),
      expect.stringMatching(/^migrate-a1b2c3d-postsync-[0-9a-f]{8}$/),
    ]);
    expect(tasks[0]?.key).toBe(`batch/Job/shop/${names[0]}`);
    expect(tasks[0]?.object?.metadata.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
      `shop:batch/Job:shop/${names[0]}`,
    );
    expect(tasks[0]?.object?.metadata['finalizers']).toEqual(['argocd.argoproj.io/hook-finalizer']);
    expect(tasks[0]?.hook?.generateName).toBe('migrate-');
    // The same operation names them alike (resume, retry); another operation differently.
    const again = planSync([migrate], [], { hookNaming: naming }).waves.flatMap((w) => w.tasks);
    expect(again.map((t) => t.object?.metadata.name)).toEqual(names);
    const other = planSync([migrate], [], { hookNaming: { ...naming, operationId: 'op-2' } });
    expect(other.waves[0]?.tasks[0]?.object?.metadata.name).not.toBe(names[0]);
  });

  it('gives a hook with neither name nor generateName a name unique to the operation', () => {
    const anonymous = job({}, { 'argocd.argoproj.io/hook': 'Sync' });
    const plan = planSync([anonymous, cm('a')], [], {
      hookNaming: { operationId: 'op-9', revision: 'abc', application: 'shop' },
    });
    const hook = plan.waves.flatMap((w) => w.tasks).find((t) => t.hook);
    expect(hook?.object?.metadata.name).toMatch(/^abc-sync-[0-9a-f]{8}$/);
  });

  it('runs no hooks with the apply strategy (skipHooks)', () => {
    const plan = planSync([job({ name: 'm' }, { 'argocd.argoproj.io/hook': 'PreSync' }), cm('a')], [], {
      skipHooks: true,
    });
    expect(plan.waves.flatMap((w) => w.tasks).map((t) => `${t.action} ${t.key}`)).toEqual([
      'apply /ConfigMap/shop/a',
    ]);
  });
});

const crd = (annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.io', ...(annotations ? { annotations } : {}) },
  spec: { group: 'example.io', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced' },
});
const widget = (name: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'example.io/v1',
  kind: 'Widget',
  metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
});

describe('planSync CRDs before their resources (#22.11)', () => {
  it('moves a CRD ahead of the first resource of its kind, whatever the waves and phases say', () => {
    const plan = planSync(
      [
        crd({ 'argocd.argoproj.io/sync-wave': '5' }),
        widget('late'),
        widget('early', { 'argocd.argoproj.io/sync-wave': '-1' }),
        widget('hook', { 'argocd.argoproj.io/hook': 'PreSync' }),
      ],
      [],
    );
    expect(describeWaves(plan.waves)).toEqual([
      'PreSync 0: apply apiextensions.k8s.io/CustomResourceDefinition//widgets.example.io, create example.io/Widget/shop/hook',
      'Sync -1: apply example.io/Widget/shop/early',
      'Sync 0: apply example.io/Widget/shop/late',
    ]);
    const tasks = plan.waves.flatMap((w) => w.tasks);
    expect(tasks.filter((t) => t.definedByCrd).map((t) => t.key)).toEqual([
      'example.io/Widget/shop/hook',
      'example.io/Widget/shop/early',
      'example.io/Widget/shop/late',
    ]);
    expect(tasks[0]?.definedByCrd).toBeUndefined();
  });
});

describe('planSync CreateNamespace=true (#22.16)', () => {
  it('plans the destination namespace alone, outside the waves, with managedNamespaceMetadata', () => {
    const metadata = { labels: { team: 'shop' }, annotations: { owner: 'ops' } };
    const plan = planSync([cm('a')], [], {
      syncOptions: ['CreateNamespace=true'],
      destinationNamespace: 'shop',
      managedNamespaceMetadata: metadata,
    });
    expect(plan.namespace).toMatchObject({
      key: '/Namespace//shop',
      action: 'apply',
      phase: 'PreSync',
      reason: 'CreateNamespace=true',
      object: {
        metadata: {
          name: 'shop',
          labels: { team: 'shop' },
          annotations: { owner: 'ops', 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' },
        },
      },
    });
    expect(describeWaves(plan.waves)).toEqual(['Sync 0: apply /ConfigMap/shop/a']);
  });

  it('leaves an existing namespace alone without managedNamespaceMetadata, and applies the metadata with it', () => {
    const live: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const options = { syncOptions: ['CreateNamespace=true'], destinationNamespace: 'shop' };
    expect(planSync([cm('a')], [live], options).namespace).toBeUndefined();
    expect(
      planSync([cm('a')], [live], { ...options, managedNamespaceMetadata: { labels: { a: 'b' } } }).namespace
        ?.action,
    ).toBe('apply');
  });
});
