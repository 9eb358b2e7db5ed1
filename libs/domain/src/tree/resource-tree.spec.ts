import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import {
  applicationTreeOf,
  resourceNodeDetailsOf,
  resourceTreeOf,
  type TreeObject,
  treeObjectOf,
} from './resource-tree';

function obj(apiVersion: string, kind: string, name: string, uid: string, owner?: KubeObject): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: 'shop',
      uid,
      resourceVersion: '7',
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: owner.apiVersion,
                kind: owner.kind,
                name: owner.metadata.name,
                uid: owner.metadata['uid'],
              },
            ],
          }
        : {}),
    },
  };
}

describe('resourceTreeOf', () => {
  const cronJob = obj('batch/v1', 'CronJob', 'nightly', 'u-cron');
  const job = obj('batch/v1', 'Job', 'nightly-1', 'u-job', cronJob);
  const pod = {
    ...obj('v1', 'Pod', 'nightly-1-abc', 'u-pod', job),
    spec: { containers: [{ image: 'busybox:1' }] },
  };
  const stranger = obj('v1', 'Pod', 'other', 'u-other', obj('apps/v1', 'ReplicaSet', 'x', 'u-x'));

  it('walks ownerReferences down from the managed objects, and only from them', () => {
    const tree = resourceTreeOf([cronJob], [pod, job, stranger], () => ({ status: 'Healthy' }));
    expect(tree.nodes.map((n) => `${n.kind}/${n.name}<-${n.parentRefs?.[0]?.name ?? ''}`)).toEqual([
      'Pod/nightly-1-abc<-nightly-1',
      'CronJob/nightly<-',
      'Job/nightly-1<-nightly',
    ]);
    expect(tree.nodes[0]).toMatchObject({
      group: '',
      version: 'v1',
      uid: 'u-pod',
      images: ['busybox:1'],
      info: [
        { name: 'Status Reason', value: 'Unknown' },
        { name: 'Containers', value: '0/1' },
      ],
      health: { status: 'Healthy' },
      createdAt: '2026-01-01T00:00:00Z',
      resourceVersion: '7',
    });
    expect(tree.orphanedNodes).toEqual([]);
  });

  it('a managed object without children is a node of its own; no health when none is known', () => {
    const tree = resourceTreeOf([obj('v1', 'ConfigMap', 'c', 'u-c')], [stranger], () => undefined);
    expect(tree.nodes).toEqual([
      {
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'shop',
        name: 'c',
        uid: 'u-c',
        createdAt: '2026-01-01T00:00:00Z',
        resourceVersion: '7',
      },
    ]);
  });
});

describe('applicationTreeOf (from an owner index, with orphans)', () => {
  const node = (kind: string, name: string, uid: string, owner?: string, extra: Partial<TreeObject> = {}) =>
    ({
      apiVersion: kind === 'Pod' || kind === 'ConfigMap' ? 'v1' : 'apps/v1',
      kind,
      namespace: 'shop',
      name,
      uid,
      resourceVersion: '3',
      ownerRefs: owner ? [{ apiVersion: 'apps/v1', kind: 'X', name: `owner-of-${name}`, uid: owner }] : [],
      ...extra,
    }) satisfies TreeObject;
  const deploy = node('Deployment', 'web', 'd', undefined, {
    details: { health: { status: 'Progressing', message: '1 of 2 updated' } },
  });
  const rs = node('ReplicaSet', 'web-1', 'rs', 'd', {
    details: { info: [{ name: 'Revision', value: 'Rev:1' }] },
  });
  const pod = node('Pod', 'web-1-a', 'p', 'rs', {
    details: { images: ['nginx:1'], health: { status: 'Healthy' } },
  });
  const strayDeploy = node('Deployment', 'stray', 'sd');
  const strayRs = node('ReplicaSet', 'stray-1', 'srs', 'sd');
  const trackedChild = node('ReplicaSet', 'stray-2', 'srs2', 'sd', { app: 'other' });
  const index = new Map<string, TreeObject[]>([
    ['d', [rs]],
    ['rs', [pod]],
    ['sd', [strayRs, trackedChild]],
  ]);
  const ownedBy = (uid: string) => index.get(uid) ?? [];

  it('nodes: the managed objects and what they own, with the details the cache worked out when it read them', () => {
    const tree = applicationTreeOf({ managed: [deploy], ownedBy });
    expect(tree.nodes.map((n) => `${n.kind}/${n.name}<-${n.parentRefs?.[0]?.uid ?? ''}`)).toEqual([
      'Pod/web-1-a<-rs',
      'Deployment/web<-',
      'ReplicaSet/web-1<-d',
    ]);
    expect(tree.nodes[0]).toMatchObject({ images: ['nginx:1'], health: { status: 'Healthy' } });
    expect(tree.nodes[1]).toMatchObject({ health: { status: 'Progressing', message: '1 of 2 updated' } });
    expect(tree.nodes[2]!.info).toEqual([{ name: 'Revision', value: 'Rev:1' }]);
    expect(tree.orphanedNodes).toEqual([]);
  });

  it('orphanedNodes: the orphans and what they own (IterateHierarchy), less what an app tracks or the app already shows', () => {
    const cm = node('ConfigMap', 'loose', 'cm');
    const tree = applicationTreeOf({ managed: [deploy], ownedBy, orphans: [strayDeploy, cm, deploy] });
    expect(tree.nodes).toHaveLength(3);
    expect(tree.orphanedNodes.map((n) => `${n.kind}/${n.name}<-${n.parentRefs?.[0]?.uid ?? ''}`)).toEqual([
      'ConfigMap/loose<-',
      'Deployment/stray<-',
      'ReplicaSet/stray-1<-sd',
    ]);
  });

  it('the same tree from whole objects (resourceTreeOf) and from their nodes', () => {
    const cronJob = obj('batch/v1', 'CronJob', 'nightly', 'u-cron');
    const job = obj('batch/v1', 'Job', 'nightly-1', 'u-job', cronJob);
    const health = () => ({ status: 'Healthy' as const });
    const fromObjects = resourceTreeOf([cronJob], [job], health);
    const jobNode = treeObjectOf(job, resourceNodeDetailsOf(job, health()));
    const fromNodes = applicationTreeOf({
      managed: [treeObjectOf(cronJob, resourceNodeDetailsOf(cronJob, health()))],
      ownedBy: (uid) => (uid === 'u-cron' ? [jobNode] : []),
    });
    expect(fromNodes).toEqual(fromObjects);
  });
});
