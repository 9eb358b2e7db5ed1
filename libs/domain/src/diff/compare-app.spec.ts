import { describe, expect, it } from '@jest/globals';
import { compareApp, resolveAppJqPaths } from './compare-app';
import type { JqPathEvaluator } from './ignore-differences';
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
    const jq: JqPathEvaluator = { paths: async () => ({ ok: true, paths: [['data', 'x']] }) };
    const desired = [cm('a', { x: '1' })];
    const live = [cm('a', { x: '2' })];
    const jqPaths = await resolveAppJqPaths(desired, live, { ignoreDifferences: rules }, jq);
    expect(compareApp(desired, live, { ignoreDifferences: rules, jqPaths }).status).toBe('Synced');
  });
});

describe('compareApp and cluster-scoped objects (item 3)', () => {
  it('drops a namespace Git sets on a cluster-scoped object: same key as live, Synced, nothing to prune', () => {
    const role = (namespace?: string): KubeObject => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'reader', ...(namespace ? { namespace } : {}) },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    });
    const r = compareApp([role('shop')], [role()]);
    expect(r.resources.map((x) => [x.key, x.status, x.requiresPruning])).toEqual([
      ['rbac.authorization.k8s.io/ClusterRole//reader', 'Synced', undefined],
    ]);
    expect(r.status).toBe('Synced');
  });

  it('asks isNamespaced about kinds it does not know (a cluster-scoped custom resource)', () => {
    const issuer = (namespace?: string): KubeObject => ({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'letsencrypt', ...(namespace ? { namespace } : {}) },
      spec: { acme: { email: 'ops@example.com' } },
    });
    const r = compareApp([issuer('shop')], [issuer()], {
      isNamespaced: (group, kind) => !(group === 'cert-manager.io' && kind === 'ClusterIssuer'),
    });
    expect(r.status).toBe('Synced');
  });
});

describe('ignoreDifferences jq rules never break a diff (item 6)', () => {
  const deploy = (image: string, replicas: number): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas, template: { spec: { containers: [{ name: 'app', image }] } } },
  });
  // What jq answers: `.spec.template.spec.initContainers[]` on a Deployment without initContainers is a
  // run-time error ("Cannot iterate over null"); `.spec[` does not compile.
  const jq: JqPathEvaluator = {
    paths: async (_obj, expression) => {
      if (expression.includes('initContainers'))
        return { ok: false, kind: 'runtime', message: 'Cannot iterate over null (null)' };
      if (expression === '.spec[')
        return { ok: false, kind: 'syntax', message: 'syntax error, unexpected end of file' };
      return { ok: true, paths: [['spec', 'replicas']] };
    },
  };

  it('a run-time error means nothing to ignore there: no condition, the diff runs', async () => {
    const rules = [
      {
        group: 'apps',
        kind: 'Deployment',
        jqPathExpressions: ['.spec.template.spec.initContainers[] | select(.name == "vault") | .image'],
      },
    ];
    const desired = [deploy('app:2', 1)];
    const live = [deploy('app:1', 1)];
    const jqPaths = await resolveAppJqPaths(desired, live, { ignoreDifferences: rules }, jq);
    const r = compareApp(desired, live, { ignoreDifferences: rules, jqPaths });
    expect(r.conditions ?? []).toEqual([]);
    expect(r.resources[0]?.diff?.changes.map((c) => c.path)).toEqual([
      '/spec/template/spec/containers/0/image',
    ]);
  });

  it('a syntax error is one condition naming the rule; the other rules and the rest of the diff still run', async () => {
    const rules = [
      { group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas'] },
      { group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec['] },
    ];
    const desired = [
      deploy('app:2', 1),
      { ...deploy('app:2', 1), metadata: { name: 'api', namespace: 'shop' } },
    ];
    const live = [
      deploy('app:2', 4),
      { ...deploy('app:1', 4), metadata: { name: 'api', namespace: 'shop' } },
    ];
    const jqPaths = await resolveAppJqPaths(desired, live, { ignoreDifferences: rules }, jq);
    const r = compareApp(desired, live, { ignoreDifferences: rules, jqPaths });
    expect(r.conditions).toEqual([
      {
        type: 'InvalidSpecError',
        message: expect.stringMatching(
          /^spec\.ignoreDifferences\[1\]\.jqPathExpressions\[0\]: "\.spec\[" is not a valid jq path expression \(syntax error, unexpected end of file\)/,
        ) as unknown as string,
      },
    ]);
    expect(r.resources.map((x) => [x.key, x.status])).toEqual([
      ['apps/Deployment/shop/api', 'OutOfSync'],
      ['apps/Deployment/shop/web', 'Synced'],
    ]);
  });
});
