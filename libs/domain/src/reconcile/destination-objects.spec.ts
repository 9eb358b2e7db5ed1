import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import { prepareForDestination } from './destination-objects';
import { TRACKING_ID_ANNOTATION } from './tracking-id';

const obj = (apiVersion: string, kind: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
});

describe('prepareForDestination', () => {
  it.each<[string, KubeObject, string | undefined, boolean | undefined, string | undefined]>([
    ['a namespaced kind gets the destination namespace', obj('v1', 'ConfigMap'), 'shop', undefined, 'shop'],
    ['a namespace Git set is kept', obj('v1', 'ConfigMap', 'other'), 'shop', undefined, 'other'],
    [
      'a built-in cluster-scoped kind loses one Git set',
      obj('v1', 'Namespace', 'shop'),
      'shop',
      undefined,
      undefined,
    ],
    [
      'an unknown custom kind counts as namespaced',
      obj('example.com/v1', 'Widget'),
      'shop',
      undefined,
      'shop',
    ],
    [
      'the caller says a custom kind is cluster-scoped',
      obj('example.com/v1', 'Widget', 'a'),
      'shop',
      false,
      undefined,
    ],
    ['no destination namespace: nothing added', obj('v1', 'ConfigMap'), undefined, undefined, undefined],
  ])('%s', (_, input, destination, namespaced, expected) => {
    const [out] = prepareForDestination('web', destination, [input], () => namespaced);
    expect(out!.metadata.namespace).toBe(expected);
    expect(out!.metadata.annotations?.[TRACKING_ID_ANNOTATION]).toBe(
      `web:${input.apiVersion.includes('/') ? input.apiVersion.split('/')[0] : ''}/${input.kind}:${expected ?? ''}/x`,
    );
  });
});
