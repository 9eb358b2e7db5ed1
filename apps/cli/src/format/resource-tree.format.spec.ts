import { describe, expect, it } from '@jest/globals';
import type { ResourceRow } from './resource-rows';
import { formatResourceTree, type TreeNode } from './resource-tree.format';

const node = (kind: string, name: string, uid: string, parent?: string, health?: string): TreeNode => ({
  kind,
  name,
  namespace: 'web',
  uid,
  ...(parent ? { parentRefs: [{ uid: parent }] } : {}),
  ...(health ? { health: { status: health } } : {}),
});

const row = (kind: string, name: string, status: string, health: string, message: string): ResourceRow => ({
  group: '',
  kind,
  namespace: 'web',
  name,
  status,
  health,
  hook: '',
  message,
});

describe('formatResourceTree (argocd app get -o tree)', () => {
  it('draws owners above what they own, with Argo CD prefixes, the app rows status and the owned nodes health', () => {
    const nodes = [
      node('Pod', 'web-1-b', 'p2', 'rs1', 'Healthy'),
      node('Deployment', 'web', 'd1', undefined, 'Healthy'),
      node('Service', 'web', 's1', undefined, 'Healthy'),
      node('ReplicaSet', 'web-1', 'rs1', 'd1', 'Healthy'),
      node('Pod', 'web-1-a', 'p1', 'rs1', 'Progressing'),
      node('ReplicaSet', 'web-0', 'rs0', 'd1', 'Healthy'),
      node('Pod', 'web-0-a', 'p0', 'rs0', 'Healthy'),
      node('Endpoints', 'web', 'e1', 's1'),
    ];
    const rows = [
      row('Deployment', 'web', 'Synced', 'Healthy', 'deployment.apps/web configured'),
      row('Service', 'web', 'OutOfSync', 'Healthy', ''),
    ];
    expect(formatResourceTree(nodes, rows).split('\n')).toEqual([
      'KIND/NAME           STATUS     HEALTH       MESSAGE',
      'Deployment/web      Synced     Healthy      deployment.apps/web configured',
      '├─ReplicaSet/web-0             Healthy',
      '│ └─Pod/web-0-a                Healthy',
      '└─ReplicaSet/web-1             Healthy',
      '  ├─Pod/web-1-a                Progressing',
      '  └─Pod/web-1-b                Healthy',
      'Service/web         OutOfSync  Healthy',
      '└─Endpoints/web',
    ]);
  });

  it('a node whose owner is not in the tree is a root; an owner loop is drawn once', () => {
    const nodes = [node('Pod', 'stray', 'p', 'gone'), node('A', 'a', 'a', 'b'), node('B', 'b', 'b', 'a')];
    const text = formatResourceTree(nodes, []);
    expect(text.split('\n')[1]).toBe('Pod/stray');
    expect(text).not.toContain('A/a\nA/a');
  });
});
