import { describe, expect, it } from '@jest/globals';
import type { AppComparison, ResourceComparison } from '../diff/compare-app';
import { decideRefresh, type ReconcileSnapshot, type RefreshOutcome } from './refresh.decision';

const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);

function comparison(...resources: ResourceComparison[]): AppComparison {
  const outOfSyncCount = resources.filter((r) => !r.hook && r.status === 'OutOfSync').length;
  return { status: outOfSyncCount > 0 ? 'OutOfSync' : 'Synced', resources, outOfSyncCount };
}
const missingDeploy: ResourceComparison = {
  key: 'apps/Deployment/web/web',
  status: 'OutOfSync',
  health: { status: 'Missing', message: 'Resource does not exist in the cluster' },
};
const healthyDeploy: ResourceComparison = {
  key: 'apps/Deployment/web/web',
  status: 'Synced',
  health: { status: 'Healthy' },
};
const degradedDeploy: ResourceComparison = {
  key: 'apps/Deployment/web/web',
  status: 'Synced',
  health: { status: 'Degraded', message: 'ImagePullBackOff' },
};
const hook: ResourceComparison = {
  key: 'batch/Job/web/migrate',
  status: 'OutOfSync',
  hook: true,
  health: { status: 'Missing' },
};
const prunable: ResourceComparison = {
  key: '/ConfigMap/web/old',
  status: 'OutOfSync',
  requiresPruning: true,
  health: { status: 'Healthy' },
};

const fresh: ReconcileSnapshot = {
  revision: null,
  syncStatus: 'Unknown',
  healthStatus: 'Unknown',
  outOfSyncKeys: [],
  conditions: [],
};
const syncedHealthy: ReconcileSnapshot = {
  ...fresh,
  revision: SHA1,
  syncStatus: 'Synced',
  healthStatus: 'Healthy',
};

const compared = (revision: string, c: AppComparison): RefreshOutcome => ({
  kind: 'compared',
  revision,
  targetRevision: 'main',
  comparison: c,
});

describe('decideRefresh: only transitions', () => {
  const table: Array<[string, ReconcileSnapshot, RefreshOutcome, string[]]> = [
    [
      'first refresh of a new app',
      fresh,
      compared(SHA1, comparison(missingDeploy)),
      ['RevisionResolved', 'SyncStatusChanged:OutOfSync', 'HealthStatusChanged:Missing'],
    ],
    ['nothing new: no events', syncedHealthy, compared(SHA1, comparison(healthyDeploy)), []],
    [
      'a hook never makes the app OutOfSync or unhealthy',
      syncedHealthy,
      compared(SHA1, comparison(healthyDeploy, hook)),
      [],
    ],
    [
      'a new commit that renders the same objects',
      syncedHealthy,
      compared(SHA2, comparison(healthyDeploy)),
      ['RevisionResolved'],
    ],
    [
      'a resource to prune makes the app OutOfSync but not unhealthy',
      syncedHealthy,
      compared(SHA1, comparison(healthyDeploy, prunable)),
      ['SyncStatusChanged:OutOfSync'],
    ],
    [
      'health degrades',
      syncedHealthy,
      compared(SHA1, comparison(degradedDeploy)),
      ['HealthStatusChanged:Degraded'],
    ],
    [
      'a comparison error raises a condition and makes sync status Unknown',
      syncedHealthy,
      { kind: 'failed', conditionType: 'ComparisonError', message: 'path "k8s" does not exist' },
      ['ConditionRaised:ComparisonError', 'SyncStatusChanged:Unknown'],
    ],
    [
      'the same error again records nothing',
      {
        ...syncedHealthy,
        syncStatus: 'Unknown',
        conditions: [{ type: 'ComparisonError', message: 'path "k8s" does not exist' }],
      },
      { kind: 'failed', conditionType: 'ComparisonError', message: 'path "k8s" does not exist' },
      [],
    ],
    [
      'a comparison that ran with an invalid ignoreDifferences rule raises its condition once (item 6)',
      syncedHealthy,
      compared(SHA1, {
        ...comparison(healthyDeploy),
        conditions: [{ type: 'InvalidSpecError', message: 'bad jq' }],
      }),
      ['ConditionRaised:InvalidSpecError'],
    ],
    [
      'the same invalid rule again records nothing',
      { ...syncedHealthy, conditions: [{ type: 'InvalidSpecError', message: 'bad jq' }] },
      compared(SHA1, {
        ...comparison(healthyDeploy),
        conditions: [{ type: 'InvalidSpecError', message: 'bad jq' }],
      }),
      [],
    ],
    [
      'fixing the rule clears the condition',
      { ...syncedHealthy, conditions: [{ type: 'InvalidSpecError', message: 'bad jq' }] },
      compared(SHA1, comparison(healthyDeploy)),
      ['ConditionCleared:InvalidSpecError'],
    ],
    [
      'a working comparison clears the condition',
      { ...syncedHealthy, syncStatus: 'Unknown', conditions: [{ type: 'ComparisonError', message: 'x' }] },
      compared(SHA1, comparison(healthyDeploy)),
      ['ConditionCleared:ComparisonError', 'SyncStatusChanged:Synced'],
    ],
  ];

  it.each(table)('%s', (_name, snapshot, outcome, expected) => {
    const events = decideRefresh('web', snapshot, outcome);
    expect(
      events.map((e) => {
        if (e.type === 'SyncStatusChanged' || e.type === 'HealthStatusChanged')
          return `${e.type}:${e.data.to}`;
        if (e.type === 'ConditionRaised' || e.type === 'ConditionCleared')
          return `${e.type}:${e.data.conditionType}`;
        return e.type;
      }),
    ).toEqual(expected);
  });

  it('records what drifted and what is unhealthy, so the audit log explains the status', () => {
    const events = decideRefresh('web', fresh, compared(SHA1, comparison(missingDeploy)));
    expect(events.find((e) => e.type === 'SyncStatusChanged')?.data).toMatchObject({
      from: 'Unknown',
      to: 'OutOfSync',
      revision: SHA1,
      outOfSync: [{ group: 'apps', kind: 'Deployment', namespace: 'web', name: 'web', status: 'OutOfSync' }],
    });
    expect(events.find((e) => e.type === 'HealthStatusChanged')?.data).toMatchObject({
      to: 'Missing',
      unhealthy: [{ kind: 'Deployment', name: 'web', status: 'Missing' }],
    });
    expect(events.find((e) => e.type === 'RevisionResolved')?.data).toMatchObject({
      revision: SHA1,
      previousRevision: null,
      targetRevision: 'main',
    });
  });

  it('a change in which resources drifted is recorded even when the app stays OutOfSync', () => {
    const snapshot: ReconcileSnapshot = {
      ...syncedHealthy,
      syncStatus: 'OutOfSync',
      outOfSyncKeys: ['/ConfigMap/web/old'],
    };
    const events = decideRefresh(
      'web',
      snapshot,
      compared(SHA1, comparison({ ...healthyDeploy, status: 'OutOfSync' })),
    );
    expect(events.map((e) => e.type)).toEqual(['SyncStatusChanged']);
  });
});

describe('decideRefresh: the full resource list on each transition (status.resources)', () => {
  it('every resource, Synced ones, hooks and prunable ones too, with health, version and wave', () => {
    const events = decideRefresh(
      'web',
      fresh,
      compared(
        SHA1,
        comparison(
          { ...healthyDeploy, version: 'v1', syncWave: 2 },
          { ...hook, version: 'v1' },
          { ...prunable, version: 'v1' },
        ),
      ),
    );
    const sync = events.find((e) => e.type === 'SyncStatusChanged');
    const health = events.find((e) => e.type === 'HealthStatusChanged');
    const expected = [
      {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        namespace: 'web',
        name: 'web',
        status: 'Synced',
        health: { status: 'Healthy' },
        syncWave: 2,
      },
      {
        group: 'batch',
        version: 'v1',
        kind: 'Job',
        namespace: 'web',
        name: 'migrate',
        status: 'OutOfSync',
        health: { status: 'Missing' },
        hook: true,
      },
      {
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        namespace: 'web',
        name: 'old',
        status: 'OutOfSync',
        health: { status: 'Healthy' },
        requiresPruning: true,
      },
    ];
    expect(sync?.data).toMatchObject({ resources: expected });
    expect(health?.data).toMatchObject({ resources: expected });
  });
});

describe('decideRefresh: health details stay current (HealthDetailsChanged)', () => {
  const childKey = 'argoproj.io/Application/argocd/shop-dev';
  const child = (message: string): ResourceComparison => ({
    key: childKey,
    status: 'Synced',
    health: { status: 'Progressing', message },
  });
  const rollingOne = 'Waiting for rollout to finish: 0 of 1 updated replicas are available...';
  const rollingTwo = 'Waiting for rollout to finish: 0 of 2 updated replicas are available...';
  /** What the log holds after the parent's first compare saw the child roll out one replica. */
  const parentProgressing: ReconcileSnapshot = {
    ...syncedHealthy,
    healthStatus: 'Progressing',
    healthDetails: {
      message: rollingOne,
      resources: {
        'argoproj.io/Application/argocd/shop-dev': { status: 'Progressing', message: rollingOne },
      },
    },
  };

  it("a child's new message reaches the parent: same status, the message and unhealthy list rewritten", () => {
    const events = decideRefresh('root', parentProgressing, compared(SHA1, comparison(child(rollingTwo))));
    expect(events.map((e) => e.type)).toEqual(['HealthDetailsChanged']);
    expect(events[0]!.data).toEqual({
      application: 'root',
      status: 'Progressing',
      message: rollingTwo,
      unhealthy: [
        {
          group: 'argoproj.io',
          kind: 'Application',
          namespace: 'argocd',
          name: 'shop-dev',
          status: 'Progressing',
          message: rollingTwo,
        },
      ],
      resources: [
        {
          group: 'argoproj.io',
          kind: 'Application',
          namespace: 'argocd',
          name: 'shop-dev',
          version: '',
          status: 'Synced',
          health: { status: 'Progressing', message: rollingTwo },
        },
      ],
    });
  });

  it('the same details again: nothing (a refresh that finds nothing new appends nothing)', () => {
    expect(decideRefresh('root', parentProgressing, compared(SHA1, comparison(child(rollingOne))))).toEqual(
      [],
    );
  });

  it("a resource's health message that moves neither status nor the app's message still rewrites status.resources", () => {
    const other: ResourceComparison = {
      key: '/ConfigMap/web/cfg',
      status: 'Synced',
      health: { status: 'Healthy' },
    };
    const known: ReconcileSnapshot = {
      ...parentProgressing,
      healthDetails: {
        ...parentProgressing.healthDetails!,
        resources: { ...parentProgressing.healthDetails!.resources, '/ConfigMap/web/cfg': undefined },
      },
    };
    const events = decideRefresh('root', known, compared(SHA1, comparison(child(rollingOne), other)));
    expect(events.map((e) => e.type)).toEqual(['HealthDetailsChanged']);
  });

  it('a status change is a HealthStatusChanged only (it carries the details itself)', () => {
    const events = decideRefresh('root', parentProgressing, compared(SHA1, comparison(healthyDeploy)));
    expect(events.map((e) => e.type)).toEqual(['HealthStatusChanged']);
  });

  it('with a SyncStatusChanged carrying the resources, only a new app message adds the details event', () => {
    const drifted = { ...child(rollingTwo), status: 'OutOfSync' as const };
    const sameMessage: ReconcileSnapshot = {
      ...parentProgressing,
      healthDetails: { message: rollingTwo, resources: parentProgressing.healthDetails!.resources },
    };
    expect(
      decideRefresh('root', sameMessage, compared(SHA1, comparison(drifted))).map((e) => e.type),
    ).toEqual(['SyncStatusChanged']);
    expect(
      decideRefresh('root', parentProgressing, compared(SHA1, comparison(drifted))).map((e) => e.type),
    ).toEqual(['SyncStatusChanged', 'HealthDetailsChanged']);
  });

  it('a snapshot that does not know the details decides none (older callers)', () => {
    const { healthDetails: _unknown, ...unknown } = parentProgressing;
    expect(decideRefresh('root', unknown, compared(SHA1, comparison(child(rollingTwo))))).toEqual([]);
  });
});
