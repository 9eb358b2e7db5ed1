import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { diffResource, type DiffOptions } from './diff-resource';
import { DiffError } from './diff.error';
import type { KubeObject } from './kube-object';

interface DiffCase {
  description: string;
  options?: DiffOptions;
  desired: KubeObject;
  live: KubeObject | null;
  expected: {
    status: string;
    reason?: string;
    changes: Array<{ path: string; op: string; desired?: unknown; live?: unknown }>;
  };
}

const dir = join(process.cwd(), 'libs/domain/src/diff/testdata');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as DiffCase] as const);

describe('diffResource golden cases (testdata/*.yaml)', () => {
  it('has cases to run', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('%s', (_file, c) => {
    const result = diffResource(c.desired, c.live, c.options);
    expect(result.status).toBe(c.expected.status);
    if (c.expected.reason) expect(result.reason).toBe(c.expected.reason);
    const got = result.changes.map((ch) => ({
      path: ch.path,
      op: ch.op,
      ...(c.expected.changes.some((e) => e.path === ch.path && 'desired' in e)
        ? { desired: ch.desired, live: ch.live }
        : {}),
    }));
    expect(got).toEqual(c.expected.changes);
  });
});

describe('diffResource', () => {
  const deployment = (replicas: unknown): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas },
  });

  it('rewrites equivalent desired values to the live form, so normalized outputs differ only where it matters', () => {
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', resources: { requests: { cpu: 0.5 } } }] },
    };
    const live = structuredClone(desired) as KubeObject & {
      spec: { containers: Array<{ resources: { requests: { cpu: unknown } } }> };
    };
    live.spec.containers[0]!.resources.requests.cpu = '500m';
    const r = diffResource(desired, live);
    expect(r.status).toBe('Synced');
    expect(r.normalizedDesired).toEqual(r.normalizedLive);
  });

  it('never returns Secret values, in changes or normalized objects', () => {
    const secret = (password: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"password":"${password}"}}`,
        },
      },
      data: { password },
    });
    const r = diffResource(secret('bmV3LXNlY3JldA=='), secret('b2xkLXNlY3JldA=='));
    const text = JSON.stringify(r);
    expect(r.status).toBe('OutOfSync');
    expect(text).not.toContain('bmV3LXNlY3JldA==');
    expect(text).not.toContain('b2xkLXNlY3JldA==');
  });

  it('compares status only when asked', () => {
    const desired = { ...deployment(1), status: { replicas: 1 } };
    const live = { ...deployment(1), status: { replicas: 3 } };
    expect(diffResource(desired, live).status).toBe('Synced');
    expect(diffResource(desired, live, { compareStatus: true }).status).toBe('OutOfSync');
  });

  it('refuses jq rules whose paths were not resolved, naming the resource and the fix', () => {
    const rules = [{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas'] }];
    expect(() => diffResource(deployment(1), deployment(2), { ignoreDifferences: rules })).toThrow(DiffError);
    expect(() => diffResource(deployment(1), deployment(2), { ignoreDifferences: rules })).toThrow(
      /apps\/Deployment\/shop\/web.*resolveJqPaths/,
    );
  });

  it('applies resolved jq paths on each side', () => {
    const rules = [{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas'] }];
    const jqPaths = { desired: [['spec', 'replicas']], live: [['spec', 'replicas']] };
    expect(diffResource(deployment(1), deployment(2), { ignoreDifferences: rules, jqPaths }).status).toBe(
      'Synced',
    );
  });

  it('treats a desired null as not declared but a desired value against a different live type as drift', () => {
    expect(diffResource(deployment(null), deployment(4)).status).toBe('Synced');
    expect(diffResource(deployment({ a: 1 }), deployment(4)).changes).toEqual([
      { path: '/spec/replicas', op: 'replace', desired: { a: 1 }, live: 4 },
    ]);
  });

  it('does not treat numbers and strings as equal outside int-or-string and string fields', () => {
    expect(diffResource(deployment(3), deployment('3')).status).toBe('OutOfSync');
  });

  it('ignores a corrupt last-applied annotation and fields Git dropped that live no longer has', () => {
    const live = (annotation: string): KubeObject => ({
      ...deployment(1),
      metadata: {
        name: 'web',
        namespace: 'shop',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': annotation },
      },
    });
    expect(diffResource(deployment(1), live('{not json')).status).toBe('Synced');
    expect(diffResource(deployment(1), live('{"spec":{"replicas":1,"paused":true}}')).status).toBe('Synced');
    expect(
      diffResource(deployment(1), live('{"spec":{"replicas":1,"paused":true}}')).normalizedLive?.metadata,
    ).not.toHaveProperty('annotations');
  });
});
