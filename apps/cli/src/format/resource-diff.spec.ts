import { describe, expect, it } from '@jest/globals';
import { resourceDiffReport } from './resource-diff';

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'demo' },
  spec: { replicas },
});
const item = {
  group: 'apps',
  kind: 'Deployment',
  namespace: 'demo',
  name: 'web',
  targetState: JSON.stringify(deployment(3)),
  liveState: JSON.stringify(deployment(1)),
  normalizedLiveState: JSON.stringify(deployment(1)),
  predictedLiveState: JSON.stringify(deployment(3)),
  modified: true,
};

describe('resourceDiffReport', () => {
  it("prints Argo CD's header and the normalized live object against the predicted one", () => {
    expect(resourceDiffReport(item)).toBe(
      [
        '===== apps/Deployment demo/web ======',
        '@@ -4,4 +4,4 @@',
        '   name: web',
        '   namespace: demo',
        ' spec:',
        '-  replicas: 1',
        '+  replicas: 3',
      ].join('\n'),
    );
  });

  it('is undefined for a resource in sync, a hook and a Secret', () => {
    expect(resourceDiffReport({ ...item, modified: false })).toBeUndefined();
    expect(resourceDiffReport({ ...item, hook: true })).toBeUndefined();
    expect(resourceDiffReport({ ...item, group: '', kind: 'Secret' })).toBeUndefined();
  });

  it('a missing resource is all additions of what Git renders; one only live all removals', () => {
    const missing = resourceDiffReport({ ...item, liveState: 'null', normalizedLiveState: 'null' });
    expect(missing).toMatch(
      /^===== apps\/Deployment demo\/web ======\n@@ -0,0 \+1,7 @@\n\+apiVersion: apps\/v1/,
    );
    const pruned = resourceDiffReport({ ...item, targetState: 'null', predictedLiveState: 'null' });
    expect(pruned).toMatch(/\n@@ -1,7 \+0,0 @@\n-apiVersion: apps\/v1/);
  });
});
