import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import { effectiveSyncOptions, syncOptionItems, withLiveSyncOptions } from './sync-options';

function annotated(options: string | undefined): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'a',
      namespace: 'shop',
      ...(options !== undefined ? { annotations: { 'argocd.argoproj.io/sync-options': options } } : {}),
    },
  };
}

describe('sync options are read as Argo CD reads them (gitops-engine pkg/sync/resource/annotations.go)', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['Prune=false', ['Prune=false']],
    [' Prune=false , ServerSideApply=true,,', ['Prune=false', 'ServerSideApply=true']],
  ])('annotation %j has items %j', (annotation, items) => {
    expect(syncOptionItems(annotation)).toEqual(items);
  });

  // [annotation, what it sets]
  it.each<[string, Record<string, unknown>]>([
    // A repeated key keeps its first value (GetAnnotationOptionValue).
    ['Prune=confirm,Prune=false', { prune: 'confirm' }],
    ['Prune=false,Prune=confirm', { prune: 'false' }],
    ['Replace=true,Replace=false', { replace: true }],
    // Values and keys match exactly: case and spaces around `=` are not forgiven.
    ['Replace=True', { replace: false }],
    ['Replace = true', { replace: false }],
    ['replace=true', { replace: false }],
    ['Prune=Confirm', { prune: 'true' }],
    ['PrunePropagationPolicy=Background', { prunePropagationPolicy: 'foreground' }],
    ['PrunePropagationPolicy=background', { prunePropagationPolicy: 'background' }],
    // Items are trimmed as a whole.
    ['  Force=true ,Validate=false', { force: true, validate: false }],
  ])('%j sets %j', (annotation, expected) => {
    expect(effectiveSyncOptions(undefined, annotated(annotation))).toMatchObject(expected);
  });

  it('applies server-side by default; ServerSideApply=false asks for client-side apply', () => {
    expect(effectiveSyncOptions(undefined).serverSideApply).toBe(true);
    expect(effectiveSyncOptions(['ServerSideApply=false']).serverSideApply).toBe(false);
    expect(
      effectiveSyncOptions(['ServerSideApply=false'], annotated('ServerSideApply=true')).serverSideApply,
    ).toBe(true);
    expect(effectiveSyncOptions(undefined, annotated('ServerSideApply=false')).serverSideApply).toBe(false);
  });

  it('app-level options keep their first value too', () => {
    expect(effectiveSyncOptions(['Prune=confirm', 'Prune=false']).prune).toBe('confirm');
  });
});

describe('Replace=true and Force=true on the live object apply (gitops-engine applyObject)', () => {
  it.each<[string | undefined, string | undefined, { replace: boolean; force: boolean }]>([
    [undefined, 'Replace=true', { replace: true, force: false }],
    [undefined, 'Force=true,Replace=true', { replace: true, force: true }],
    ['Replace=true', undefined, { replace: true, force: false }],
    // Live can only turn them on; every other option is read from Git.
    ['Replace=true', 'Replace=false', { replace: true, force: false }],
    [undefined, 'Validate=false,Prune=false,ServerSideApply=false', { replace: false, force: false }],
  ])('Git %j + live %j', (git, live, expected) => {
    const options = effectiveSyncOptions(undefined, annotated(git), annotated(live));
    expect({ replace: options.replace, force: options.force }).toEqual(expected);
    expect(options).toMatchObject({ validate: true, prune: 'true', serverSideApply: true });
  });

  it('withLiveSyncOptions returns the same options when live adds nothing', () => {
    const options = effectiveSyncOptions(undefined, annotated('Replace=true'));
    expect(withLiveSyncOptions(options, annotated(undefined))).toBe(options);
    expect(withLiveSyncOptions(options, undefined)).toBe(options);
  });
});
