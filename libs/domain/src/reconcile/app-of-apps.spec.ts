import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import { healthOf } from '../health/health-of';
import {
  cascadeOf,
  childAsLiveObject,
  ChildApplicationError,
  childDeletion,
  decideChildApplication,
  isApplicationObject,
  PARENT_ANNOTATION,
  RESOURCES_FINALIZER,
} from './app-of-apps';
import { withTrackingId } from './tracking-id';

const rendered = (name: string, path = `services/${name}/dev`, finalizers?: string[]): KubeObject =>
  withTrackingId('root', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', ...(finalizers ? { finalizers } : {}) },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/example/k8s-manifests.git', targetRevision: 'main', path },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'dev' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  });

describe('App of Apps: child applications', () => {
  it('recognises argoproj.io Applications of any version, not other kinds or groups', () => {
    expect(isApplicationObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' })).toBe(true);
    expect(isApplicationObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' })).toBe(false);
    expect(isApplicationObject({ apiVersion: 'app.k8s.io/v1beta1', kind: 'Application' })).toBe(false);
  });

  it('creates a missing child with the parent recorded, changes it when Git changes, and is silent when equal', () => {
    const created = decideChildApplication('root', rendered('api'), undefined);
    expect(created.result).toBe('created');
    if (created.result !== 'created') return;
    expect(created.event.data.manifest.metadata.annotations?.[PARENT_ANNOTATION]).toBe('root');
    expect(created.event.data).toMatchObject({ application: 'api', project: 'default' });

    const stored = { manifest: created.event.data.manifest };
    expect(decideChildApplication('root', rendered('api'), stored)).toEqual({ result: 'unchanged' });

    const changed = decideChildApplication('root', rendered('api', 'services/api/prod'), stored);
    expect(changed).toMatchObject({
      result: 'configured',
      event: { data: { changedPaths: ['spec.source'] } },
    });
  });

  it('never takes over an app made by a person or by another parent', () => {
    const mine = decideChildApplication('root', rendered('api'), undefined);
    if (mine.result !== 'created') throw new Error('expected created');
    expect(() =>
      decideChildApplication('other-root', rendered('api'), { manifest: mine.event.data.manifest }),
    ).toThrow(/"api" already exists and is a child of "root"/);
    const byHand = { ...mine.event.data.manifest, metadata: { name: 'api', namespace: 'argocd' } };
    expect(() => decideChildApplication('root', rendered('api'), { manifest: byHand })).toThrow(
      /not a child of any app/,
    );
  });

  it('refuses an invalid child, naming the field', () => {
    const bad = rendered('api');
    (bad as unknown as { spec: Record<string, unknown> }).spec['destination'] = undefined;
    expect(() => decideChildApplication('root', bad, undefined)).toThrow(ChildApplicationError);
    expect(() => decideChildApplication('root', bad, undefined)).toThrow(
      /rendered by root is invalid: .*destination/,
    );
  });

  it('deletes with cascade exactly when the child carries the resources finalizer', () => {
    const withFinalizer = rendered('api', undefined, [RESOURCES_FINALIZER]);
    expect(cascadeOf(withFinalizer)).toBe(true);
    expect(cascadeOf(rendered('api', undefined, [`${RESOURCES_FINALIZER}/background`]))).toBe(true);
    expect(cascadeOf(rendered('api'))).toBe(false);
    expect(childDeletion('api', withFinalizer).data).toEqual({ application: 'api', cascade: true });
  });

  it('shows a child to its parent with its own health, Progressing until it reported one', () => {
    const decision = decideChildApplication('root', rendered('api'), undefined);
    if (decision.result !== 'created') throw new Error('expected created');
    const child = (syncStatus: string, healthStatus: string, revision: string | null) =>
      childAsLiveObject({
        manifest: decision.event.data.manifest,
        syncStatus,
        healthStatus,
        revision,
        streamVersion: 3,
      });
    const table: Array<[ReturnType<typeof child>, string]> = [
      [child('Unknown', 'Unknown', null), 'Progressing'],
      [child('OutOfSync', 'Missing', 'abc'), 'Missing'],
      [child('Synced', 'Progressing', 'abc'), 'Progressing'],
      [child('Synced', 'Degraded', 'abc'), 'Degraded'],
      [child('Synced', 'Healthy', 'abc'), 'Healthy'],
    ];
    for (const [live, expected] of table) expect(healthOf(live).status).toBe(expected);
    expect(child('Synced', 'Healthy', 'abc').metadata['resourceVersion']).toBe('3');
  });
});
