import { describe, expect, it } from '@jest/globals';
import { formatAppResources } from './app-resources.format';

const tree = {
  nodes: [
    { group: '', kind: 'Pod', namespace: 'web', name: 'web-1-a', parentRefs: [{ uid: 'rs' }] },
    { group: 'apps', kind: 'Deployment', namespace: 'web', name: 'web' },
    { group: 'apps', kind: 'ReplicaSet', namespace: 'web', name: 'web-1', parentRefs: [{ uid: 'd' }] },
    { group: '', kind: 'Service', namespace: 'web', name: 'web' },
  ],
  orphanedNodes: [
    { group: '', kind: 'ConfigMap', namespace: 'web', name: 'stray' },
    { group: 'apps', kind: 'ReplicaSet', namespace: 'web', name: 'old-1', parentRefs: [{ uid: 'o' }] },
  ],
};

describe('formatAppResources (argocd app resources)', () => {
  it('by default: the top-level nodes (No), then every orphaned node (Yes)', () => {
    expect(formatAppResources(tree, false).split('\n')).toEqual([
      'GROUP  KIND        NAMESPACE  NAME   ORPHANED',
      'apps   Deployment  web        web    No',
      '       Service     web        web    No',
      '       ConfigMap   web        stray  Yes',
      'apps   ReplicaSet  web        old-1  Yes',
    ]);
  });

  it('--orphaned: the orphaned nodes only; none is the header alone', () => {
    expect(formatAppResources(tree, true).split('\n').slice(1)).toEqual([
      '       ConfigMap   web        stray  Yes',
      'apps   ReplicaSet  web        old-1  Yes',
    ]);
    expect(formatAppResources({ nodes: tree.nodes, orphanedNodes: [] }, true)).toBe(
      'GROUP  KIND  NAMESPACE  NAME  ORPHANED',
    );
  });
});
