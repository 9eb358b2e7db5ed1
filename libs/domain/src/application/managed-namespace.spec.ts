import { describe, expect, it } from '@jest/globals';
import { compareApp } from '../diff/compare-app';
import type { KubeObject } from '../diff/kube-object';
import type { Application } from './application.types';
import { managedNamespaceOf } from './managed-namespace';

function app(syncPolicy: Application['spec']['syncPolicy'], namespace = 'shop'): Pick<Application, 'spec'> {
  return {
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/apps.git', path: 'shop' },
      destination: { server: 'https://kubernetes.default.svc', namespace },
      ...(syncPolicy ? { syncPolicy } : {}),
    },
  };
}

const liveNamespace = (labels: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: 'shop',
    labels: { 'kubernetes.io/metadata.name': 'shop', ...labels },
    ...(annotations ? { annotations } : {}),
  },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

describe('managedNamespaceMetadata is compared as part of the app (issue #22 item 9)', () => {
  const managed = app({
    syncOptions: ['CreateNamespace=true'],
    managedNamespaceMetadata: {
      labels: { team: 'payments' },
      annotations: { owner: 'payments@example.com' },
    },
  });

  it('is the destination namespace with the declared labels and annotations', () => {
    expect(managedNamespaceOf(managed)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'shop',
        labels: { team: 'payments' },
        // As the sync applies it (Argo CD's syncNamespace): compared the same way, so never drift.
        annotations: {
          owner: 'payments@example.com',
          'argocd.argoproj.io/sync-options': 'ServerSideApply=true',
        },
      },
    });
  });

  it.each<[string, Pick<Application, 'spec'>]>([
    ['without CreateNamespace=true', app({ managedNamespaceMetadata: { labels: { team: 'x' } } })],
    ['without managedNamespaceMetadata', app({ syncOptions: ['CreateNamespace=true'] })],
    [
      'without a destination namespace',
      app({ syncOptions: ['CreateNamespace=true'], managedNamespaceMetadata: {} }, ''),
    ],
  ])('manages nothing %s', (_why, spec) => {
    expect(managedNamespaceOf(spec)).toBeUndefined();
  });

  it('a declared label the namespace lacks or holds differently makes the app OutOfSync; others’ labels do not', () => {
    const desired = [managedNamespaceOf(managed)!];
    const applied = {
      owner: 'payments@example.com',
      'argocd.argoproj.io/sync-options': 'ServerSideApply=true',
    };
    const synced = compareApp(desired, [
      liveNamespace({ team: 'payments', 'istio-injection': 'enabled' }, applied),
    ]);
    expect(synced.status).toBe('Synced');
    const drifted = compareApp(desired, [liveNamespace({ team: 'checkout' }, applied)]);
    expect(drifted.status).toBe('OutOfSync');
    expect(drifted.resources[0]?.diff?.changes.map((c) => c.path)).toEqual(['/metadata/labels/team']);
    const missing = compareApp(desired, [liveNamespace({ team: 'payments' })]);
    expect(missing.resources[0]?.diff?.changes.map((c) => c.path)).toEqual(['/metadata/annotations']);
  });
});
