import { describe, expect, it } from '@jest/globals';
import { applyStrategicMergePatch } from './strategic-merge-patch';

const deployment = { builtin: true, kind: 'Deployment' };
const live = {
  metadata: { finalizers: ['a'] },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1',
            args: ['--x'],
            ports: [{ containerPort: 80 }],
            env: [{ name: 'A', value: '1' }],
          },
          { name: 'side', image: 'envoy:1' },
        ],
      },
    },
  },
};
const containers = (o: unknown) => (o as typeof live).spec.template.spec.containers;

/** Cases from apimachinery strategicpatch semantics (patchMergeKey / patchStrategy in core/v1 types.go). */
describe('strategic merge patch', () => {
  it.each([
    [
      'merges containers by name',
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } },
      (o: unknown) =>
        expect(containers(o).map((c) => `${c.name}=${c.image}`)).toEqual(['web=nginx:2', 'side=envoy:1']),
    ],
    [
      'deletes a list item with $patch: delete',
      { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } },
      (o: unknown) => expect(containers(o).map((c) => c.name)).toEqual(['web']),
    ],
    [
      'merges env by name and ports by containerPort',
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'web',
                  env: [{ name: 'B', value: '2' }],
                  ports: [{ containerPort: 80, name: 'http' }],
                },
              ],
            },
          },
        },
      },
      (o: unknown) => {
        expect(containers(o)[0]!.env).toEqual([
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ]);
        expect(containers(o)[0]!.ports).toEqual([{ containerPort: 80, name: 'http' }]);
      },
    ],
    [
      'replaces lists without a merge key (args)',
      { spec: { template: { spec: { containers: [{ name: 'web', args: ['--y'] }] } } } },
      (o: unknown) => expect(containers(o)[0]!.args).toEqual(['--y']),
    ],
    [
      'unions metadata.finalizers',
      { metadata: { finalizers: ['b'] } },
      (o: unknown) => expect((o as typeof live).metadata.finalizers).toEqual(['a', 'b']),
    ],
    [
      'ignores $setElementOrder directives and deletes keys set to null',
      {
        $setElementOrder: undefined,
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }],
              containers: [{ name: 'web', image: null }],
            },
          },
        },
      },
      (o: unknown) => expect(containers(o)[0]).not.toHaveProperty('image'),
    ],
    [
      'replaces a whole list with $patch: replace',
      { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } },
      (o: unknown) => expect(containers(o)).toEqual([{ name: 'only', image: 'x' }]),
    ],
  ])('%s', (_name, patch, check) => {
    check(applyStrategicMergePatch(deployment, live, patch));
  });

  it('keeps only $retainKeys on a retainKeys field (Deployment strategy)', () => {
    const result = applyStrategicMergePatch(
      deployment,
      { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    );
    expect(result).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });
});
