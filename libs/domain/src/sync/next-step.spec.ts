import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus, HealthStatusCode } from '../health/health-status';
import { nextStep } from './next-step';
import { planSync } from './plan-sync';
import { pruneConfirmationMessage, waitingMessage } from './waiting-message';

const obj = (kind: string, name: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : 'v1',
  kind,
  metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
});

const plan = planSync(
  [
    obj('Job', 'migrate', { 'argocd.argoproj.io/hook': 'PreSync' }),
    obj('ConfigMap', 'config'),
    obj('Service', 'web', { 'argocd.argoproj.io/sync-wave': '1' }),
    obj('Job', 'notify', { 'argocd.argoproj.io/hook': 'SyncFail' }),
  ],
  [],
);
const ids = Object.fromEntries(
  plan.waves.flatMap((w) => w.tasks).map((t) => [t.key.split('/').pop()!, t.id]),
);
const health = (entries: Record<string, HealthStatusCode>) =>
  new Map(
    Object.entries(entries).map(([name, h]) => [
      plan.waves.flatMap((w) => w.tasks).find((t) => t.key.endsWith(`/${name}`))!.key,
      h,
    ]),
  );

describe('nextStep', () => {
  it('walks the plan: run, wait for health, next wave, done', () => {
    const steps: Array<[string[], Record<string, HealthStatusCode>, string]> = [
      [[], {}, 'run PreSync 0 migrate'],
      [['migrate'], {}, 'waitForHealth PreSync 0 migrate'],
      [['migrate'], { migrate: 'Progressing' }, 'waitForHealth PreSync 0 migrate'],
      [['migrate'], { migrate: 'Healthy' }, 'run Sync 0 config'],
      [['migrate', 'config'], { migrate: 'Healthy', config: 'Healthy' }, 'run Sync 1 web'],
      // Last wave: resources are not waited for, only hooks.
      [['migrate', 'config', 'web'], { migrate: 'Healthy', config: 'Healthy' }, 'done'],
    ];
    for (const [done, h, expected] of steps) {
      const step = nextStep(plan, { completed: new Set(done.map((n) => ids[n]!)), healthByKey: health(h) });
      const text =
        step.kind === 'run'
          ? `run ${step.phase} ${step.wave} ${step.tasks.map((t) => t.key.split('/').pop()).join(',')}`
          : step.kind === 'waitForHealth'
            ? `waitForHealth ${step.phase} ${step.wave} ${step.keys.map((k) => k.split('/').pop()).join(',')}`
            : step.kind;
      expect(text).toBe(expected);
    }
  });

  it('resumes mid-wave with only the tasks not yet completed', () => {
    const p = planSync([obj('ConfigMap', 'a'), obj('ConfigMap', 'b')], []);
    const step = nextStep(p, { completed: new Set([p.waves[0]!.tasks[0]!.id]), healthByKey: new Map() });
    expect(step).toMatchObject({ kind: 'run', tasks: [{ key: '/ConfigMap/shop/b' }] });
  });

  it('fails when a hook is Degraded, handing back the SyncFail hooks to run', () => {
    const step = nextStep(plan, {
      completed: new Set([ids['migrate']!]),
      healthByKey: health({ migrate: 'Degraded' }),
    });
    expect(step).toMatchObject({ kind: 'failed', reason: 'PreSync hook batch/Job/shop/migrate is Degraded' });
    expect(step.kind === 'failed' && step.syncFailTasks.map((t) => t.key)).toEqual(['batch/Job/shop/notify']);
  });

  it('fails when a task failed, with its error', () => {
    const step = nextStep(plan, {
      completed: new Set(),
      healthByKey: new Map(),
      failed: new Map([[ids['migrate']!, 'forbidden']]),
    });
    expect(step).toMatchObject({
      kind: 'failed',
      reason: 'create of batch/Job/shop/migrate failed: forbidden',
    });
  });

  it('treats Suspended as ready and skipped tasks as done', () => {
    const p = planSync(
      [obj('ConfigMap', 'a'), obj('ConfigMap', 'b', { 'argocd.argoproj.io/sync-wave': '1' })],
      [obj('ConfigMap', 'old')],
    );
    const first = p.waves[0]!.tasks.find((t) => t.action === 'apply')!;
    const step = nextStep(p, {
      completed: new Set([first.id]),
      healthByKey: new Map([[first.key, 'Suspended']]),
    });
    expect(step).toMatchObject({ kind: 'run', wave: 1 });
  });
});

describe('nextStep: Prune=confirm (#22.14)', () => {
  const p = planSync(
    [obj('ConfigMap', 'keep')],
    [
      obj('ConfigMap', 'keep'),
      obj('ConfigMap', 'precious', { 'argocd.argoproj.io/sync-options': 'Prune=confirm' }),
    ],
    { prune: true },
  );
  const keep = p.waves[0]!.tasks.find((t) => t.action === 'apply')!;

  it('waits before the wave that prunes a Prune=confirm resource, saying so in Argo CD words', () => {
    const step = nextStep(p, { completed: new Set(), healthByKey: new Map() });
    expect(step).toMatchObject({
      kind: 'waitForPruneConfirmation',
      tasks: [{ key: '/ConfigMap/shop/precious' }],
    });
    expect(step.kind === 'waitForPruneConfirmation' && pruneConfirmationMessage(step.tasks)).toBe(
      'Waiting for pruning confirmation of v1/ConfigMap/precious',
    );
    // Never done without pruning: with nothing else left, it still waits.
    expect(nextStep(p, { completed: new Set([keep.id]), healthByKey: new Map() }).kind).toBe(
      'waitForPruneConfirmation',
    );
  });

  it('runs the prune once confirmed', () => {
    const step = nextStep(p, { completed: new Set(), healthByKey: new Map(), pruneConfirmed: true });
    expect(step).toMatchObject({ kind: 'run' });
    expect(step.kind === 'run' && step.tasks.map((t) => `${t.action} ${t.key}`)).toEqual([
      'apply /ConfigMap/shop/keep',
      'prune /ConfigMap/shop/precious',
    ]);
  });
});

describe('nextStep: SyncFail hooks and delete policies on the outcome (#22.15)', () => {
  const p = planSync(
    [
      obj('Job', 'pre', {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
      }),
      obj('Job', 'check', {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'HookFailed',
      }),
      obj('ConfigMap', 'config'),
      obj('Service', 'web', { 'argocd.argoproj.io/sync-wave': '1' }),
      obj('Job', 'alert', {
        'argocd.argoproj.io/hook': 'SyncFail',
        'argocd.argoproj.io/hook-delete-policy': 'HookFailed',
      }),
    ],
    [],
  );
  const id = (name: string) =>
    p.waves
      .concat(p.syncFailWaves)
      .flatMap((w) => w.tasks)
      .find((t) => t.key.endsWith(`/${name}`))!.id;
  const key = (name: string) => `batch/Job/shop/${name}`;

  it('deletes nothing while a phase runs: a finished HookSucceeded hook stays until the operation succeeds', () => {
    const running = nextStep(p, {
      completed: new Set([id('pre'), id('check'), id('config')]),
      healthByKey: new Map([
        [key('pre'), 'Healthy'],
        [key('check'), 'Healthy'],
        ['/ConfigMap/shop/config', 'Progressing'],
      ]),
    });
    expect(running).toMatchObject({ kind: 'waitForHealth', keys: ['/ConfigMap/shop/config'] });
    const done = nextStep(p, {
      completed: new Set([id('pre'), id('check'), id('config'), id('web')]),
      healthByKey: new Map([
        [key('pre'), 'Healthy'],
        [key('check'), 'Healthy'],
        ['/ConfigMap/shop/config', 'Healthy'],
      ]),
    });
    expect(done).toEqual({ kind: 'done', deleteHooks: [expect.objectContaining({ key: key('pre') })] });
  });

  it('on failure runs the SyncFail hooks, waits for them, then fails with their failures and deletes HookFailed hooks', () => {
    const base = [id('pre'), id('check')];
    const degraded = new Map<string, HealthStatusCode>([
      [key('pre'), 'Healthy'],
      [key('check'), 'Degraded'],
    ]);
    const first = nextStep(p, { completed: new Set(base), healthByKey: degraded });
    expect(first).toMatchObject({
      kind: 'failed',
      reason: 'PreSync hook batch/Job/shop/check is Degraded',
      syncFailTasks: [{ key: key('alert') }],
      waitingFor: [],
      deleteHooks: [],
    });
    const waiting = nextStep(p, { completed: new Set([...base, id('alert')]), healthByKey: degraded });
    expect(waiting).toMatchObject({
      kind: 'failed',
      syncFailTasks: [],
      waitingFor: [{ key: key('alert') }],
      deleteHooks: [],
    });
    expect(waiting.kind === 'failed' && waitingMessage(waiting.waitingFor)).toBe(
      'waiting for completion of hook batch/Job/alert',
    );
    const final = nextStep(p, {
      completed: new Set([...base, id('alert')]),
      healthByKey: new Map<string, HealthStatus | HealthStatusCode>([
        ...degraded,
        [key('alert'), { status: 'Degraded', message: 'Job has reached the specified backoff limit' }],
      ]),
    });
    expect(final).toMatchObject({
      kind: 'failed',
      syncFailTasks: [],
      waitingFor: [],
      syncFailFailures: [
        'SyncFail hook batch/Job/shop/alert is Degraded: Job has reached the specified backoff limit',
      ],
    });
    // HookFailed acts on the operation's outcome: the hook that failed and the SyncFail hook go; the
    // HookSucceeded one stays for debugging.
    expect(final.kind === 'failed' && final.deleteHooks.map((t) => t.key)).toEqual([
      key('check'),
      key('alert'),
    ]);
  });
});

describe('nextStep: what gitops-engine counts as a failed task', () => {
  it('a hook whose health is Unknown, or an applied object that is gone, fails instead of waiting', () => {
    const unknown = nextStep(plan, {
      completed: new Set([ids['migrate']!]),
      healthByKey: health({ migrate: 'Unknown' }),
    });
    expect(unknown).toMatchObject({
      kind: 'failed',
      reason: 'PreSync hook batch/Job/shop/migrate is Unknown',
    });
    const gone = nextStep(plan, {
      completed: new Set([ids['migrate']!]),
      healthByKey: health({ migrate: 'Missing' }),
      gone: new Set(['batch/Job/shop/migrate']),
    });
    expect(gone).toMatchObject({
      kind: 'failed',
      reason: 'PreSync hook batch/Job/shop/migrate is missing, it might have been deleted',
    });
    // A Missing health reported by the object itself (a child app whose resources are not there yet) waits.
    expect(
      nextStep(plan, { completed: new Set([ids['migrate']!]), healthByKey: health({ migrate: 'Missing' }) })
        .kind,
    ).toBe('waitForHealth');
  });
});

describe('waitingMessage (#14.3)', () => {
  it("says what a wave waits for in gitops-engine's words", () => {
    const p = planSync(
      [
        obj('ConfigMap', 'a'),
        obj('Service', 'b'),
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
      ],
      [],
    );
    const tasks = p.waves[0]!.tasks;
    expect(waitingMessage(tasks.slice(2))).toBe('waiting for healthy state of apps/Deployment/web');
    expect(waitingMessage(tasks)).toBe('waiting for healthy state of /ConfigMap/a and 2 more resources');
    expect(waitingMessage(tasks.slice(0, 1), 'deletion')).toBe('waiting for deletion of /ConfigMap/a');
    // A hook among them names the wait (gitops-engine's setRunningPhase).
    const hook = planSync([obj('Job', 'm', { 'argocd.argoproj.io/hook': 'Sync' })], []).waves[0]!.tasks[0]!;
    expect(waitingMessage([...tasks, hook])).toBe(
      'waiting for completion of hook batch/Job/m and 3 more resources',
    );
    expect(waitingMessage([hook], 'deletion')).toBe('waiting for deletion of hook batch/Job/m');
  });
});
