import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import type { HealthStatusCode } from '../health/health-status';
import { nextStep } from './next-step';
import { planSync } from './plan-sync';

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
