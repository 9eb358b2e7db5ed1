import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkerHarness } from './worker-harness';

// Issue #22 item 9: Argo CD's compare option ignoreAggregatedRoles (a global setting, BerthConfig
// `compareOptions`), and the destination namespace's managedNamespaceMetadata compared as part of the app.

const aggregatedRole = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: berth-e2e-monitoring
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: { rbac.example.com/aggregate-to-monitoring: "true" }
rules: []
`;

describe('compare options in the refresh', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start();
  }, 60_000);
  afterAll(async () => h?.stop());

  const refresh = (app: string) => h.refresh().process({ application: app, hard: false, reason: 'test' });

  it('ignoreAggregatedRoles: the rules the aggregation controller fills in are not drift', async () => {
    await h.repo.commit({ 'rbac/role.yaml': aggregatedRole });
    await h.createApp('rbac', 'rbac');
    const id = await h.requestSync('rbac');
    expect(await h.sync().process({ application: 'rbac', operationId: id })).toBe('Succeeded');
    // What kube-controller-manager's clusterrole-aggregation controller writes (the sandbox has none).
    await h.cluster.mergePatch(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'berth-e2e-monitoring' },
      { rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] }] },
    );
    // Argo CD's default: compared, so `rules: []` in Git is drift.
    expect((await refresh('rbac')).syncStatus).toBe('OutOfSync');
    h.deps.compareOptions = { ignoreAggregatedRoles: true };
    try {
      expect((await refresh('rbac')).syncStatus).toBe('Synced');
    } finally {
      delete h.deps.compareOptions;
    }
  });

  it('managedNamespaceMetadata: a declared label the destination namespace lacks is drift; others’ labels are not', async () => {
    await h.repo.commit({
      'payments/cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  currency: EUR
`,
    });
    await h.createApp('payments', 'payments', {
      syncOptions: ['CreateNamespace=true'],
      managedNamespaceMetadata: {
        labels: { team: 'payments' },
        annotations: { owner: 'payments@example.com' },
      },
    });
    const id = await h.requestSync('payments');
    expect(await h.sync().process({ application: 'payments', operationId: id })).toBe('Succeeded');
    const namespace = { apiVersion: 'v1', kind: 'Namespace', name: 'payments' };
    await h.cluster.mergePatch(namespace, {
      metadata: { labels: { team: 'checkout', 'istio-injection': 'enabled' } },
    });
    expect((await refresh('payments')).syncStatus).toBe('OutOfSync');
    await h.cluster.mergePatch(namespace, {
      metadata: { labels: { team: 'payments' }, annotations: { owner: 'payments@example.com' } },
    });
    expect((await refresh('payments')).syncStatus).toBe('Synced');
  });
});
