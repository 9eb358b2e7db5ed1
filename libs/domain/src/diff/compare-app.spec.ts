import { describe, expect, it } from '@jest/globals';
import { compareApp, resolveAppJqPaths } from './compare-app';
import type { KubeObject } from './kube-object';

const cm = (
  name: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
  data,
});

describe('compareApp', () => {
  it('is Synced when every declared resource matches', () => {
    const r = compareApp([cm('a', { x: '1' })], [cm('a', { x: '1' })]);
    expect(r).toMatchObject({ status: 'Synced', outOfSyncCount: 0 });
    expect(r.resources.map((x) => [x.key, x.status])).toEqual([['/ConfigMap/shop/a', 'Synced']]);
  });

  it('counts missing, changed and to-be-pruned resources as OutOfSync', () => {
    const r = compareApp([cm('a', { x: '2' }), cm('b', {})], [cm('a', { x: '1' }), cm('old', {})]);
    expect(r.status).toBe('OutOfSync');
    expect(r.outOfSyncCount).toBe(3);
    expect(r.resources.find((x) => x.key === '/ConfigMap/shop/b')?.diff?.reason).toBe('resource missing');
    expect(r.resources.find((x) => x.key === '/ConfigMap/shop/old')).toMatchObject({
      status: 'OutOfSync',
      requiresPruning: true,
    });
  });

  it('does not let hooks or IgnoreExtraneous resources affect the sync status', () => {
    const hook = cm('migrate', { x: '1' }, { 'argocd.argoproj.io/hook': 'PreSync' });
    const extra = cm('cache', {}, { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' });
    const r = compareApp([cm('a', {}), hook], [cm('a', {}), extra]);
    expect(r.status).toBe('Synced');
    expect(r.resources.find((x) => x.key === '/ConfigMap/shop/migrate')).toMatchObject({
      hook: true,
      status: 'OutOfSync',
    });
  });

  it('skips resources marked hook Skip and attaches health when asked', () => {
    const skipped = cm('skip-me', {}, { 'argocd.argoproj.io/hook': 'Skip' });
    const r = compareApp([skipped, cm('a', {})], [], {
      healthOf: (live) => ({ status: live ? 'Healthy' : 'Missing' }),
    });
    expect(r.resources.map((x) => [x.key, x.health?.status])).toEqual([['/ConfigMap/shop/a', 'Missing']]);
  });

  it('resolves jq ignore rules through the port and uses them', async () => {
    const rules = [{ kind: 'ConfigMap', jqPathExpressions: ['.data.x'] }];
    const jq = { paths: async () => [['data', 'x']] };
    const desired = [cm('a', { x: '1' })];
    const live = [cm('a', { x: '2' })];
    const jqPathsByKey = await resolveAppJqPaths(desired, live, { ignoreDifferences: rules }, jq);
    expect(compareApp(desired, live, { ignoreDifferences: rules, jqPathsByKey }).status).toBe('Synced');
  });
});
