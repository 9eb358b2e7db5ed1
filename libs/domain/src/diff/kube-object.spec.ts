import { describe, expect, it } from '@jest/globals';
import { parseResourceKey, resourceKey, resourceKeyString } from './kube-object';

describe('resource keys', () => {
  it.each([
    [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
      'apps/Deployment/shop/web',
    ],
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, '/Namespace//shop'],
    [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'a', namespace: 'argocd' },
      },
      'argoproj.io/Application/argocd/a',
    ],
  ])('%j -> %s', (obj, text) => {
    expect(resourceKeyString(obj)).toBe(text);
    expect(parseResourceKey(text)).toEqual(resourceKey(obj));
  });

  it.each(['a/b/c', '', 'g/k/ns/'])('%s is not a key', (text) => {
    expect(parseResourceKey(text)).toBeUndefined();
  });
});
