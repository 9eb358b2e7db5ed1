import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  applicationAggregate,
  applicationStreamId,
  decideApplication,
  type KubeObject,
  type ResourceSynced,
} from '@berth/domain';
import { eventually } from '@berth/testing';
import { describeEvent, under, WorkerHarness } from './worker-harness';

// Hooks, dry run, CRD order, prune confirmation and what a waiting sync says, against the sandbox
// (issue #22 items 10, 11, 14, 15, 16 and issue #14 items 1-3), held to gitops-engine's behaviour.

let h: WorkerHarness;

const job = (
  meta: string,
  annotations: Record<string, string>,
  image = 'busybox:1.36',
) => `apiVersion: batch/v1
kind: Job
metadata:
${meta}
  annotations:
${Object.entries(annotations)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join('\n')}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: ${image}
`;

const configMap = (name: string, annotations: Record<string, string> = {}, wave?: number) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  annotations:
    placeholder: "x"
${Object.entries({
  ...annotations,
  ...(wave !== undefined ? { 'argocd.argoproj.io/sync-wave': String(wave) } : {}),
})
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join('\n')}
data:
  k: v
`;

const deployment = (name: string, image: string, wave = 0) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations:
    argocd.argoproj.io/sync-wave: "${wave}"
spec:
  replicas: 1
  progressDeadlineSeconds: 600
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: main
          image: ${image}
`;

const crd = (wave: number) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.io
  annotations:
    argocd.argoproj.io/sync-wave: "${wave}"
spec:
  group: example.io
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

const widget = (
  name: string,
  wave: number,
  annotations: Record<string, string> = {},
) => `apiVersion: example.io/v1
kind: Widget
metadata:
  name: ${name}
  annotations:
    argocd.argoproj.io/sync-wave: "${wave}"
${Object.entries(annotations)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join('\n')}
spec:
  size: 3
`;

const gadget = (name: string, annotations: Record<string, string> = {}) => `apiVersion: example.io/v1
kind: Gadget
metadata:
  name: ${name}
  annotations:
    placeholder: "x"
${Object.entries(annotations)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join('\n')}
`;

const HOOK = 'argocd.argoproj.io/hook';
const DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';

let confirmRevision = '';

beforeAll(async () => {
  h = await WorkerHarness.start();
  await h.repo.commit({
    ...under('generated', {
      'pre.yaml': job('  generateName: pre-', { [HOOK]: 'PreSync' }),
      'sync.yaml': job('  generateName: during-', { [HOOK]: 'Sync' }),
      'post.yaml': job('  generateName: post-', { [HOOK]: 'PostSync' }),
      'fail.yaml': job('  generateName: on-fail-', { [HOOK]: 'SyncFail' }),
      'anonymous.yaml': job('  labels: { kind: anonymous }', { [HOOK]: 'PostSync' }),
      'config.yaml': configMap('settings'),
    }),
    ...under('generated-fail', {
      'pre.yaml': job('  generateName: check-', { [HOOK]: 'PreSync' }, 'busybox:fail'),
      'alert.yaml': job('  generateName: alert-', { [HOOK]: 'SyncFail' }),
      'broken-alert.yaml': job('  generateName: broken-alert-', { [HOOK]: 'SyncFail' }, 'busybox:fail'),
      'config.yaml': configMap('settings'),
    }),
    ...under('helm-tests', {
      'test-pod.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: chart-test-connection
  annotations:
    helm.sh/hook: test
spec:
  restartPolicy: Never
  containers:
    - name: wget
      image: busybox:1.36
`,
      'test-success.yaml': job('  name: chart-test-success', { 'helm.sh/hook': 'test-success' }),
      'rollback.yaml': job('  name: chart-pre-rollback', { 'helm.sh/hook': 'pre-rollback' }),
      'typo.yaml': job('  name: chart-typo', { [HOOK]: 'PostSynk' }),
      'config.yaml': configMap('settings'),
    }),
    ...under('apply-strategy', {
      'pre.yaml': job('  name: migrate', { [HOOK]: 'PreSync' }),
      'config.yaml': configMap('settings'),
    }),
    ...under('missing-kind', {
      'config.yaml': configMap('first', {}, 0),
      'bad-deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: no-containers
  annotations:
    argocd.argoproj.io/sync-wave: "1"
spec:
  selector:
    matchLabels: { app: x }
  template:
    metadata:
      labels: { app: x }
    spec:
      containers: []
`,
      'gadget.yaml': gadget('g1'),
    }),
    ...under('skip-dry-run', {
      'config.yaml': configMap('first', {}, -1),
      'gadget.yaml': gadget('g1', { 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' }),
    }),
    ...under('crd-order', {
      // The CRD's own wave is later than its resources': it must still go first.
      'crd.yaml': crd(3),
      'widget-early.yaml': widget('early', -1),
      'widget-late.yaml': widget('late', 5),
    }),
    ...under('policies', {
      'done-hook.yaml': job('  name: cleanup-me', { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookSucceeded' }),
      'slow.yaml': deployment('slow', 'nginx:doesnotexist', 0),
      'after.yaml': configMap('after', {}, 1),
    }),
    ...under('succeeded-hooks', {
      'done-hook.yaml': job('  name: cleanup-me', { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookSucceeded' }),
      'kept-hook.yaml': job('  name: keep-me', { [HOOK]: 'PostSync', [DELETE_POLICY]: 'HookFailed' }),
      'config.yaml': configMap('settings'),
    }),
    ...under('hook-wait', {
      // An unpullable image never fails a Job in the sandbox: the hook runs until terminated.
      'pre.yaml': job('  generateName: stuck-', { [HOOK]: 'PreSync' }, 'busybox:doesnotexist'),
      'config.yaml': configMap('settings'),
    }),
    ...under('ns-metadata', { 'config.yaml': configMap('settings') }),
  });
  confirmRevision = await h.repo.commit(
    under('confirm', {
      'keep.yaml': configMap('keep'),
      'precious.yaml': configMap('precious', { 'argocd.argoproj.io/sync-options': 'Prune=confirm' }),
    }),
    'confirm app',
  );
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const refresh = (application: string) => h.refresh().process({ application, hard: false, reason: 'test' });

async function sync(name: string, options: Parameters<WorkerHarness['requestSync']>[1] = {}) {
  const operationId = await h.requestSync(name, options);
  return { operationId, outcome: await h.sync().process({ application: name, operationId }) };
}

async function jobs(namespace: string): Promise<KubeObject[]> {
  return h.cluster.list({ apiVersion: 'batch/v1', kind: 'Job', namespace });
}

async function synced(name: string, operationId?: string): Promise<Array<ResourceSynced['data']>> {
  return (await h.events(name))
    .filter((e) => e.type === 'ResourceSynced')
    .map((e) => e.data)
    .filter((d) => !operationId || d.operationId === operationId);
}

async function operationState(name: string) {
  const { state } = await h.deps.commands.load(applicationAggregate, applicationStreamId(name));
  return state.status.operationState;
}

async function failureMessage(name: string): Promise<string> {
  const failed = (await h.events(name)).filter((e) => e.type === 'SyncOperationFailed').pop();
  return (failed?.data as { message: string } | undefined)?.message ?? '';
}

describe('hooks with generateName (#14.1)', () => {
  it('names PreSync/Sync/PostSync hooks per operation, tracks the created names, and succeeds at once', async () => {
    await h.createApp('generated', 'generated');
    await refresh('generated');
    const started = Date.now();
    const { operationId, outcome } = await sync('generated');
    expect(outcome).toBe('Succeeded');
    // Not a 10 minute wait for an object named after the prefix.
    expect(Date.now() - started).toBeLessThan(10_000);
    const live = await jobs('generated');
    // Order-free: the name without a prefix starts with the commit SHA, which may sort anywhere.
    const names = live.map((j) => j.metadata.name);
    expect(names).toHaveLength(4);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^[0-9a-f]{7}-postsync-[0-9a-f]{8}$/),
        expect.stringMatching(/^during-[0-9a-f]{7}-sync-[0-9a-f]{8}$/),
        expect.stringMatching(/^post-[0-9a-f]{7}-postsync-[0-9a-f]{8}$/),
        expect.stringMatching(/^pre-[0-9a-f]{7}-presync-[0-9a-f]{8}$/),
      ]),
    );
    for (const j of live) {
      // Tracked under the created name, never ".../undefined"; the hook finalizer is off once it finished.
      expect(j.metadata.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
        `generated:batch/Job:generated/${j.metadata.name}`,
      );
      expect(j.metadata['finalizers'] ?? []).not.toContain('argocd.argoproj.io/hook-finalizer');
      expect((j['status'] as { succeeded?: number }).succeeded).toBe(1);
    }
    const recorded = (await synced('generated', operationId)).filter((d) => d.hook);
    expect(recorded.map((d) => d.resource.name).sort()).toEqual(names);
    // The SyncFail hook did not run; hooks never enter the inventory.
    expect(names.some((n) => n.startsWith('on-fail-'))).toBe(false);
    const { state } = await h.deps.commands.load(applicationAggregate, applicationStreamId('generated'));
    expect(state.inventory).toEqual(['/ConfigMap/generated/settings']);
  });

  it('a second operation creates new instances and BeforeHookCreation deletes the earlier ones by what they carry', async () => {
    const before = (await jobs('generated')).map((j) => j.metadata.name);
    const { outcome } = await sync('generated');
    expect(outcome).toBe('Succeeded');
    await eventually(
      async () => {
        const now = (await jobs('generated')).filter((j) => !j.metadata['deletionTimestamp']);
        expect(now).toHaveLength(4);
        for (const name of before) expect(now.map((j) => j.metadata.name)).not.toContain(name);
      },
      { timeout: 5_000, interval: 50, what: 'the earlier hook instances to be gone' },
    );
  });

  it('on failure the SyncFail hooks (generateName too) run and are awaited; their failures are in the result', async () => {
    await h.createApp('generated-fail', 'generated-fail');
    await refresh('generated-fail');
    const { operationId, outcome } = await sync('generated-fail');
    expect(outcome).toBe('Failed');
    const timeline = (await h.events('generated-fail')).map(describeEvent);
    expect(timeline[timeline.length - 1]).toBe('SyncOperationFailed');
    const message = await failureMessage('generated-fail');
    expect(message).toMatch(
      /^PreSync hook batch\/Job\/generated-fail\/check-[0-9a-f]{7}-presync-[0-9a-f]{8} is Degraded/,
    );
    expect(message).toMatch(
      /one or more SyncFail hooks failed: SyncFail hook batch\/Job\/generated-fail\/broken-alert-[0-9a-f]{7}-syncfail-[0-9a-f]{8} is Degraded/,
    );
    // Awaited: the SyncFail hook that works had finished before the failure was recorded.
    const alert = (await jobs('generated-fail')).find((j) => j.metadata.name.startsWith('alert-'));
    expect((alert?.['status'] as { succeeded?: number }).succeeded).toBe(1);
    const failHooks = (await synced('generated-fail', operationId)).filter((d) => d.phase === 'SyncFail');
    expect(
      failHooks.map((d) => d.resource.name.replace(/-[0-9a-f]{7}-syncfail-[0-9a-f]{8}$/, '')).sort(),
    ).toEqual(['alert', 'broken-alert']);
    // The app's resources never ran: the PreSync hook failed first.
    expect(
      await h.cluster.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'generated-fail',
        name: 'settings',
      }),
    ).toBeUndefined();
  });
});

describe('any hook annotation makes a hook (#22.10)', () => {
  it('never creates Helm test hooks or hooks with a misspelt phase, and they leave the app Synced', async () => {
    await h.createApp('helm-tests', 'helm-tests');
    await refresh('helm-tests');
    const { operationId, outcome } = await sync('helm-tests');
    expect(outcome).toBe('Succeeded');
    expect(
      await h.cluster.get({
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'helm-tests',
        name: 'chart-test-connection',
      }),
    ).toBeUndefined();
    expect(await jobs('helm-tests')).toEqual([]);
    expect(
      (await synced('helm-tests', operationId)).map((d) => `${d.resource.kind}/${d.resource.name}`),
    ).toEqual(['Namespace/helm-tests', 'ConfigMap/settings']);
    await refresh('helm-tests');
    expect((await h.view('helm-tests')).sync_status).toBe('Synced');
  });
});

describe('the apply sync strategy (#22.16)', () => {
  it('applies the resources and runs no hooks', async () => {
    await h.createApp('apply-strategy', 'apply-strategy');
    await refresh('apply-strategy');
    const { outcome } = await sync('apply-strategy', { syncStrategy: { apply: {} } });
    expect(outcome).toBe('Succeeded');
    expect(await jobs('apply-strategy')).toEqual([]);
    expect(
      await h.cluster.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'apply-strategy',
        name: 'settings',
      }),
    ).toBeDefined();
  });
});

describe('dry run before anything is applied (#14.2, #22.11)', () => {
  it('fails the whole operation listing every problem, having applied nothing but the namespace', async () => {
    await h.createApp('missing-kind', 'missing-kind');
    await refresh('missing-kind');
    const { operationId, outcome } = await sync('missing-kind');
    expect(outcome).toBe('Failed');
    const message = await failureMessage('missing-kind');
    expect(message).toMatch(/^one or more objects failed to apply \(dry run\): /);
    expect(message).toContain('example.io/Gadget/missing-kind/g1: ');
    expect(message).toContain('SkipDryRunOnMissingResource=true');
    expect(message).toContain('apps/Deployment/missing-kind/no-containers: ');
    // CreateNamespace=true created the namespace alone, first; nothing else was applied.
    expect((await synced('missing-kind', operationId)).map((d) => `${d.resource.kind}:${d.result}`)).toEqual([
      'Namespace:created',
    ]);
    expect(
      await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'missing-kind', name: 'first' }),
    ).toBeUndefined();
  });

  it('SkipDryRunOnMissingResource=true skips the dry run of a kind the cluster does not know', async () => {
    await h.createApp('skip-dry-run', 'skip-dry-run');
    await refresh('skip-dry-run');
    const { outcome } = await sync('skip-dry-run');
    // Past the dry run: the ConfigMap is applied; the Gadget itself still cannot be.
    expect(outcome).toBe('Failed');
    expect(await failureMessage('skip-dry-run')).toMatch(
      /^apply of example.io\/Gadget\/skip-dry-run\/g1 failed: /,
    );
    expect(
      await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'skip-dry-run', name: 'first' }),
    ).toBeDefined();
  });

  it('a CRD in the sync goes (and is Established) before its resources, whatever their waves; their dry run is skipped', async () => {
    await h.createApp('crd-order', 'crd-order');
    await refresh('crd-order');
    const { operationId, outcome } = await sync('crd-order');
    expect(outcome).toBe('Succeeded');
    expect(
      (await synced('crd-order', operationId)).map((d) => `${d.resource.kind}/${d.resource.name}`),
    ).toEqual([
      'Namespace/crd-order',
      'CustomResourceDefinition/widgets.example.io',
      'Widget/early',
      'Widget/late',
    ]);
    expect(
      await h.cluster.get({
        apiVersion: 'example.io/v1',
        kind: 'Widget',
        namespace: 'crd-order',
        name: 'late',
      }),
    ).toBeDefined();
  });
});

describe('hook delete policies act on the operation outcome (#22.15)', () => {
  it('deletes nothing while the operation runs, and says what it waits for from the start (#14.3)', async () => {
    await h.createApp('policies', 'policies');
    await refresh('policies');
    const operationId = await h.requestSync('policies');
    const running = h.sync().process({ application: 'policies', operationId });
    await eventually(
      async () => {
        expect((await operationState('policies'))?.message).toBe(
          'waiting for healthy state of apps/Deployment/slow',
        );
      },
      { timeout: 5_000, interval: 20, what: 'the waiting message' },
    );
    // The finished HookSucceeded hook is still there while the operation runs.
    const hook = await h.cluster.get({
      apiVersion: 'batch/v1',
      kind: 'Job',
      namespace: 'policies',
      name: 'cleanup-me',
    });
    expect((hook?.['status'] as { succeeded?: number } | undefined)?.succeeded).toBe(1);
    expect(hook?.metadata['finalizers'] ?? []).not.toContain('argocd.argoproj.io/hook-finalizer');
    await h.record(
      'policies',
      decideApplication(
        { type: 'TerminateOperation' },
        (await h.deps.commands.load(applicationAggregate, applicationStreamId('policies'))).state,
      ),
      'alice',
    );
    expect(await running).toBe('Terminated');
    expect(
      await h.cluster.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'policies', name: 'cleanup-me' }),
    ).toBeDefined();
  });

  it('a successful operation deletes its HookSucceeded hooks (recorded) and keeps the HookFailed ones', async () => {
    await h.createApp('succeeded-hooks', 'succeeded-hooks');
    await refresh('succeeded-hooks');
    const { operationId, outcome } = await sync('succeeded-hooks');
    expect(outcome).toBe('Succeeded');
    const get = (name: string) =>
      h.cluster.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'succeeded-hooks', name });
    await eventually(async () => expect(await get('cleanup-me')).toBeUndefined(), {
      timeout: 5_000,
      interval: 50,
      what: 'the HookSucceeded hook to be deleted',
    });
    expect(await get('keep-me')).toBeDefined();
    expect(
      (await synced('succeeded-hooks', operationId)).map((d) => `${d.resource.name}:${d.result}`),
    ).toEqual([
      'succeeded-hooks:created',
      'cleanup-me:created',
      'settings:created',
      'keep-me:created',
      'cleanup-me:deleted',
    ]);
  });

  it('a running hook says so in the message, carries the hook finalizer, and is deleted when the operation is terminated', async () => {
    await h.createApp('hook-wait', 'hook-wait');
    await refresh('hook-wait');
    const operationId = await h.requestSync('hook-wait');
    const running = h.sync().process({ application: 'hook-wait', operationId });
    await eventually(
      async () => {
        expect((await operationState('hook-wait'))?.message).toMatch(
          /^waiting for completion of hook batch\/Job\/stuck-[0-9a-f]{7}-presync-[0-9a-f]{8}$/,
        );
      },
      { timeout: 5_000, interval: 20, what: 'the hook waiting message' },
    );
    const [hook] = await jobs('hook-wait');
    expect(hook?.metadata['finalizers']).toContain('argocd.argoproj.io/hook-finalizer');
    // Deleted by someone else while it runs: the finalizer keeps it, and the sync still waits for its outcome.
    await h.cluster.delete(
      { apiVersion: 'batch/v1', kind: 'Job', namespace: 'hook-wait', name: hook!.metadata.name },
      { propagationPolicy: 'Background' },
    );
    const [held] = await jobs('hook-wait');
    expect(held?.metadata['deletionTimestamp']).toBeDefined();
    expect((await operationState('hook-wait'))?.phase).toBe('Running');
    await h.record(
      'hook-wait',
      decideApplication(
        { type: 'TerminateOperation' },
        (await h.deps.commands.load(applicationAggregate, applicationStreamId('hook-wait'))).state,
      ),
      'alice',
    );
    expect(await running).toBe('Terminated');
    await eventually(async () => expect(await jobs('hook-wait')).toEqual([]), {
      timeout: 5_000,
      interval: 50,
      what: 'the running hook to be deleted on termination',
    });
  });
});

describe('Prune=confirm (#22.14)', () => {
  it('keeps the operation Running until a person confirms, then prunes; never Succeeds without pruning', async () => {
    await h.createApp('confirm', 'confirm');
    await refresh('confirm');
    expect((await sync('confirm', { revision: confirmRevision })).outcome).toBe('Succeeded');
    const next = await h.repo.commit({ 'confirm/precious.yaml': null }, 'drop precious');
    const operationId = await h.requestSync('confirm', { revision: next, prune: true });
    expect(await h.sync().process({ application: 'confirm', operationId })).toBe(
      'WaitingForPruneConfirmation',
    );
    expect(await operationState('confirm')).toMatchObject({
      phase: 'Running',
      message: 'Waiting for pruning confirmation of v1/ConfigMap/precious',
    });
    const precious = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'confirm', name: 'precious' };
    expect(await h.cluster.get(precious)).toBeDefined();
    // Nobody runs it again until the confirmation: a refresh does not resume it.
    expect((await refresh('confirm')).resumedOperationId).toBeUndefined();

    const { state } = await h.deps.commands.load(applicationAggregate, applicationStreamId('confirm'));
    await h.record('confirm', decideApplication({ type: 'ConfirmPrune' }, state), 'bob');
    const confirmed = (await h.events('confirm')).filter((e) => e.type === 'PruneConfirmed');
    expect(confirmed.map((e) => e.data)).toEqual([{ application: 'confirm', operationId, via: 'api' }]);
    expect((await refresh('confirm')).resumedOperationId).toBe(operationId);

    expect(await h.sync().process({ application: 'confirm', operationId })).toBe('Succeeded');
    expect(await h.cluster.get(precious)).toBeUndefined();
    expect((await synced('confirm', operationId)).map((d) => `${d.resource.name}:${d.result}`)).toContain(
      'precious:pruned',
    );
  });
});

describe('CreateNamespace=true with managedNamespaceMetadata (#22.16)', () => {
  it('creates the namespace alone, first, with its labels and annotations', async () => {
    const manifest = h.manifest('ns-metadata', 'ns-metadata', {
      syncOptions: ['CreateNamespace=true'],
      managedNamespaceMetadata: { labels: { team: 'payments' }, annotations: { owner: 'ops@example.com' } },
    });
    await h.createAppFromManifest(manifest);
    await refresh('ns-metadata');
    const { operationId, outcome } = await sync('ns-metadata');
    expect(outcome).toBe('Succeeded');
    const ns = await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'ns-metadata' });
    expect(ns?.metadata.labels).toMatchObject({ team: 'payments' });
    expect(ns?.metadata.annotations).toMatchObject({ owner: 'ops@example.com' });
    expect((await synced('ns-metadata', operationId)).map((d) => `${d.resource.kind}:${d.phase}`)).toEqual([
      'Namespace:PreSync',
      'ConfigMap:Sync',
    ]);
  });
});
