import { describe, expect, it } from '@jest/globals';
import type { HealthCheck } from './health-check.registry';
import { HealthCheckRegistry } from './health-check.registry';

const named =
  (name: string): HealthCheck =>
  () => ({ status: 'Healthy', message: name });

describe('HealthCheckRegistry (Argo CD resource customization keys)', () => {
  const registry = new HealthCheckRegistry()
    .register('cert-manager.io', 'Certificate', named('exact'))
    .register('_.crossplane.io', '_', named('crossplane any kind'))
    .register('_.upbound.io', '_', named('upbound any kind'))
    .register('example.io', '_', named('example.io any kind'))
    .register('example.io', 'Special', named('example.io Special'))
    .register('*.aws.example.io', 'Bucket', named('star group'))
    .register('', 'ConfigMap', named('core exact'))
    .register('_', 'Gadget', named('any group Gadget'));

  it.each<[string, string, string | undefined]>([
    ['cert-manager.io', 'Certificate', 'exact'],
    ['cert-manager.io', 'Issuer', undefined],
    ['pkg.crossplane.io', 'Provider', 'crossplane any kind'],
    ['apiextensions.crossplane.io', 'Composition', 'crossplane any kind'],
    ['crossplane.io', 'Provider', undefined], // `_.` needs a subdomain, as Argo CD's glob
    ['s3.aws.upbound.io', 'Bucket', 'upbound any kind'],
    ['example.io', 'Widget', 'example.io any kind'],
    ['example.io', 'Special', 'example.io Special'], // exact kind beats the group's any-kind script
    ['s3.aws.example.io', 'Bucket', 'star group'],
    ['', 'ConfigMap', 'core exact'],
    ['', 'Secret', undefined],
    ['gadgets.io', 'Gadget', 'any group Gadget'],
    ['', 'Gadget', undefined], // the core group's key has no group: `*/Gadget` does not match it
  ])('%s/%s -> %s', (group, kind, expected) => {
    const check = registry.get(group, kind);
    expect(check ? check({ apiVersion: 'v1', kind, metadata: { name: 'x' } })?.message : undefined).toBe(
      expected,
    );
  });

  it('gives the first registered wildcard when two match (Argo CD: first in the directory structure)', () => {
    const r = new HealthCheckRegistry()
      .register('_.example.io', '_', named('first'))
      .register('_.io', '_', named('second'));
    expect(
      r.get('a.example.io', 'Thing')?.({ apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' } })?.message,
    ).toBe('first');
  });
});
