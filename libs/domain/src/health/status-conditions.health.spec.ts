import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { statusConditionsHealth } from './status-conditions.health';

type Cond = { type: string; status: string; reason?: string; message?: string; observedGeneration?: number };

/** A custom resource as a controller leaves it: nulls where Go marshals nil pointers. */
const cr = (status: Record<string, unknown> | null, generation: number | null = 2): KubeObject => ({
  apiVersion: 'example.io/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'ns', generation, creationTimestamp: '2025-01-01T00:00:00Z' },
  spec: { size: 1, template: { metadata: { creationTimestamp: null } } },
  status,
});
const withConditions = (conditions: Cond[], observedGeneration?: number | null) =>
  cr({ conditions, ...(observedGeneration !== undefined ? { observedGeneration } : {}) });

describe('statusConditionsHealth (kstatus-like rule for kinds without a check)', () => {
  it.each<[string, KubeObject, HealthStatus | undefined]>([
    ['no status at all', cr(null), undefined],
    ['status without conditions', cr({ replicas: 1 }), undefined],
    ['generation observed, no conditions', cr({ observedGeneration: 2 }), undefined],
    [
      'generation not observed yet',
      cr({ observedGeneration: 1 }),
      { status: 'Progressing', message: 'Waiting for the controller to observe generation 2 (observed 1)' },
    ],
    [
      'no metadata.generation: the generation check is skipped',
      cr({ observedGeneration: 1 }, null),
      undefined,
    ],
    ['observedGeneration null', cr({ observedGeneration: null }), undefined],
    ['conditions null', cr({ conditions: null }), undefined],
    ['only unrelated conditions', withConditions([{ type: 'Synced', status: 'True' }]), undefined],
    [
      'Ready=True',
      withConditions([{ type: 'Ready', status: 'True', message: 'up' }]),
      { status: 'Healthy', message: 'up' },
    ],
    [
      'Ready=True without message uses the reason',
      withConditions([{ type: 'Ready', status: 'True', reason: 'Done' }]),
      { status: 'Healthy', message: 'Done' },
    ],
    ['Ready=True bare', withConditions([{ type: 'Ready', status: 'True' }]), { status: 'Healthy' }],
    [
      'Ready=False is still working (kstatus)',
      withConditions([{ type: 'Ready', status: 'False', message: 'waiting for pods' }]),
      { status: 'Progressing', message: 'waiting for pods' },
    ],
    ['Ready=Unknown', withConditions([{ type: 'Ready', status: 'Unknown' }]), { status: 'Progressing' }],
    [
      'Stalled=True wins over Ready',
      withConditions([
        { type: 'Ready', status: 'False', message: 'install failed' },
        { type: 'Stalled', status: 'True', message: 'retries exhausted' },
      ]),
      { status: 'Degraded', message: 'retries exhausted' },
    ],
    [
      'Stalled=False is no opinion',
      withConditions([
        { type: 'Stalled', status: 'False' },
        { type: 'Ready', status: 'True' },
      ]),
      { status: 'Healthy' },
    ],
    [
      'Reconciling=True wins over Ready=True',
      withConditions([
        { type: 'Ready', status: 'True' },
        { type: 'Reconciling', status: 'True', message: 'rolling out' },
      ]),
      { status: 'Progressing', message: 'rolling out' },
    ],
    ['Succeeded=True', withConditions([{ type: 'Succeeded', status: 'True' }]), { status: 'Healthy' }],
    [
      'Succeeded=False',
      withConditions([{ type: 'Succeeded', status: 'False', message: 'step 2 failed' }]),
      { status: 'Degraded', message: 'step 2 failed' },
    ],
    [
      'Succeeded=Unknown (running)',
      withConditions([{ type: 'Succeeded', status: 'Unknown', reason: 'Running' }]),
      { status: 'Progressing', message: 'Running' },
    ],
    ['Available=True', withConditions([{ type: 'Available', status: 'True' }]), { status: 'Healthy' }],
    [
      'Available=False',
      withConditions([{ type: 'Available', status: 'False', message: 'no replicas' }]),
      { status: 'Progressing', message: 'no replicas' },
    ],
    [
      'Ready decides before Available',
      withConditions([
        { type: 'Available', status: 'True' },
        { type: 'Ready', status: 'False' },
      ]),
      { status: 'Progressing' },
    ],
    [
      'a stale deciding condition waits for the controller',
      withConditions([{ type: 'Ready', status: 'True', observedGeneration: 1 }]),
      {
        status: 'Progressing',
        message: 'Waiting for the controller to observe generation 2 (Ready is for generation 1)',
      },
    ],
    [
      'a current condition with observedGeneration decides',
      withConditions([{ type: 'Ready', status: 'True', observedGeneration: 2 }], 2),
      { status: 'Healthy' },
    ],
    [
      'a condition with an unknown status value is skipped',
      withConditions([{ type: 'Ready', status: 'Maybe' }]),
      undefined,
    ],
  ])('%s', (_name, obj, expected) => {
    expect(statusConditionsHealth(obj)).toEqual(expected);
  });
});
