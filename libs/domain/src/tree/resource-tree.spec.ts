import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import { resourceTreeOf } from './resource-tree';

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
