import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { KubeObject } from './api/resource-type';
import { eventually } from '@berth/testing';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 4: autoscaling/v1 HorizontalPodAutoscalers are served beside v2 from one storage, converted
// as kube-apiserver converts them (pkg/apis/autoscaling/v1/conversion.go).

const describeWithKubectl = findKubectl() ? describe : describe.skip;
const V1 = 'horizontalpodautoscalers.v1.autoscaling';
const V2 = 'horizontalpodautoscalers.v2.autoscaling';

function hpaV1(name: string, target: number): KubeObject {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      targetCPUUtilizationPercentage: target,
    },
  };
}

describeWithKubectl('autoscaling/v1 HorizontalPodAutoscaler (kubectl)', () => {
  let cluster: SandboxCluster;
  let dir: string;
  let kubeconfig: string;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(args, { kubeconfig, home: dir, ...(input !== undefined ? { input } : {}) });
  const get = async (resource: string, name: string): Promise<KubeObject> =>
    parse((await kubectl(['get', resource, name, '-o', 'yaml'])).stdout) as KubeObject;

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    dir = await mkdtemp(join(tmpdir(), 'sandbox-hpa-v1-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    await kubectl([
      'create',
      'deployment',
      'web',
      '--image=nginx',
      '--replicas=2',
      '--dry-run=client',
      '-o',
      'yaml',
    ]).then((out) => kubectl(['apply', '-f', '-'], out.stdout));
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('discovery lists autoscaling v2 (preferred) and v1', async () => {
    const versions = await kubectl(['api-versions']);
    expect(versions.stdout.split('\n')).toEqual(expect.arrayContaining(['autoscaling/v1', 'autoscaling/v2']));
    const group = JSON.parse((await kubectl(['get', '--raw', '/apis/autoscaling'])).stdout) as Record<
      string,
      unknown
    >;
    expect(group).toMatchObject({
      versions: [
        { groupVersion: 'autoscaling/v2', version: 'v2' },
        { groupVersion: 'autoscaling/v1', version: 'v1' },
      ],
      preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
    });
  });

  it('a v1 HPA is one object with its v2 form: the CPU target is a Resource metric', async () => {
    expect((await kubectl(['apply', '-f', '-'], stringify(hpaV1('web', 60)))).stdout).toBe(
      'horizontalpodautoscaler.autoscaling/web created\n',
    );
    const v2 = await get(V2, 'web');
    expect(v2['apiVersion']).toBe('autoscaling/v2');
    expect(v2['spec']).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
        },
      ],
    });
    // The controller's status reads back through v1: replica counts, conditions in their annotation.
    await eventually(async () => {
      const v1 = await get(V1, 'web');
      expect(v1['apiVersion']).toBe('autoscaling/v1');
      expect(v1['spec']).toMatchObject({ targetCPUUtilizationPercentage: 60 });
      expect(v1['spec']).not.toHaveProperty('metrics');
      expect(v1['status']).toMatchObject({ currentReplicas: 2, desiredReplicas: 2 });
      const conditions = JSON.parse(
        String(v1.metadata?.annotations?.['autoscaling.alpha.kubernetes.io/conditions']),
      ) as Array<{ type: string }>;
      expect(conditions.map((c) => c.type)).toEqual(['AbleToScale', 'ScalingActive', 'ScalingLimited']);
    });
  });

  it('a v1 update keeps what only v2 can say (metrics beyond CPU), and v2 reads show the change', async () => {
    const memory = {
      type: 'Resource',
      resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } },
    };
    await kubectl(
      ['apply', '--server-side', '-f', '-'],
      stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'both', namespace: 'default' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 4,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
            },
            memory,
          ],
        },
      }),
    );
    const v1 = await get(V1, 'both');
    expect(v1['spec']).toMatchObject({ targetCPUUtilizationPercentage: 50 });
    expect(JSON.parse(String(v1.metadata?.annotations?.['autoscaling.alpha.kubernetes.io/metrics']))).toEqual(
      [memory],
    );
    // kubectl edit-like read-modify-write through v1 (a PUT of the v1 object).
    const edited = { ...v1, spec: { ...(v1['spec'] as object), targetCPUUtilizationPercentage: 75 } };
    const replaced = await kubectl(['replace', '-f', '-'], stringify(edited));
    expect(replaced).toMatchObject({
      code: 0,
      stdout: 'horizontalpodautoscaler.autoscaling/both replaced\n',
    });
    const v2 = await get(V2, 'both');
    expect((v2['spec'] as { metrics: unknown[] }).metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } },
      },
      memory,
    ]);
    // The carrying annotations are consumed, not stored.
    expect(v2.metadata?.annotations?.['autoscaling.alpha.kubernetes.io/metrics']).toBeUndefined();
  });

  it('a v1 body is checked against the v1 schema (targetCPUUtilizationPercentage known, others not)', async () => {
    const ok = await kubectl(['apply', '--validate=strict', '-f', '-'], stringify(hpaV1('checked', 30)));
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    const bad = hpaV1('bad', 30);
    (bad['spec'] as Record<string, unknown>)['metrics'] = [];
    const refused = await kubectl(['apply', '--validate=strict', '-f', '-'], stringify(bad));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('unknown field "spec.metrics"');
  });

  it('server-side apply through v1 changes the target; kubectl get hpa prints it', async () => {
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], stringify(hpaV1('ssa', 40)));
    expect(applied.stdout).toBe('horizontalpodautoscaler.autoscaling/ssa serverside-applied\n');
    await kubectl(['apply', '--server-side', '-f', '-'], stringify(hpaV1('ssa', 45)));
    const v2 = await get(V2, 'ssa');
    expect(v2['spec']).toMatchObject({
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 45 } },
        },
      ],
    });
    const listed = await kubectl(['get', V1, '-o', 'name']);
    expect(listed.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'horizontalpodautoscaler.autoscaling/ssa',
        'horizontalpodautoscaler.autoscaling/web',
      ]),
    );
  });
});
