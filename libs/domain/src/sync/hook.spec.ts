import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../diff/kube-object';
import { hookDeletePolicies, hookTypes, isHook, isSkipped } from './hook';
import { effectiveSyncOptions } from './sync-options';
import { syncWave } from './sync-wave';

const withAnnotations = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', annotations },
});

describe('hooks', () => {
  it.each<[Record<string, string>, string[], boolean, boolean]>([
    [{ 'argocd.argoproj.io/hook': 'PreSync' }, ['PreSync'], true, false],
    [{ 'argocd.argoproj.io/hook': 'PreSync, PostSync' }, ['PreSync', 'PostSync'], true, false],
    [{ 'argocd.argoproj.io/hook': 'Skip' }, ['Skip'], false, true],
    // Any hook annotation makes a hook: a value Berth cannot run is never applied as a resource (#22.10).
    [{ 'argocd.argoproj.io/hook': 'Bogus' }, [], true, false],
    [{ 'argocd.argoproj.io/hook': 'PreSynk' }, [], true, false],
    [{ 'argocd.argoproj.io/hook': '' }, [], true, false],
    [{ 'helm.sh/hook': 'test' }, [], true, false],
    [{ 'helm.sh/hook': 'test-success' }, [], true, false],
    [{ 'helm.sh/hook': 'test-failure' }, [], true, false],
    [{ 'helm.sh/hook': 'pre-rollback' }, [], true, false],
    [{ 'helm.sh/hook': 'post-rollback' }, [], true, false],
    [{ 'helm.sh/hook': 'pre-delete' }, ['PreDelete'], true, false],
    // Every Argo CD value unknown: Helm's annotation decides, as gitops-engine's hook.Types.
    [{ 'argocd.argoproj.io/hook': 'Bogus', 'helm.sh/hook': 'pre-install' }, ['PreSync'], true, false],
    [
      { 'argocd.argoproj.io/hook': 'Bogus, PostSync', 'helm.sh/hook': 'pre-install' },
      ['PostSync'],
      true,
      false,
    ],
    [{ 'helm.sh/hook': 'pre-install,pre-upgrade' }, ['PreSync'], true, false],
    [{ 'helm.sh/hook': 'post-install' }, ['PostSync'], true, false],
    [{ 'helm.sh/hook': 'crd-install' }, [], false, false],
    [{ 'argocd.argoproj.io/hook': 'Sync', 'helm.sh/hook': 'pre-install' }, ['Sync'], true, false],
  ])('%j -> %j', (annotations, types, hook, skipped) => {
    const obj = withAnnotations(annotations);
    expect(hookTypes(obj)).toEqual(types);
    expect(isHook(obj)).toBe(hook);
    expect(isSkipped(obj)).toBe(skipped);
  });

  it.each<[Record<string, string>, string[]]>([
    [{}, ['BeforeHookCreation']],
    [
      { 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded,HookFailed' },
      ['HookSucceeded', 'HookFailed'],
    ],
    [{ 'helm.sh/hook-delete-policy': 'hook-succeeded' }, ['HookSucceeded']],
  ])('delete policies of %j', (annotations, policies) => {
    expect(hookDeletePolicies(withAnnotations(annotations))).toEqual(policies);
  });

  it.each<[Record<string, string>, number]>([
    [{}, 0],
    [{ 'argocd.argoproj.io/sync-wave': '-3' }, -3],
    [{ 'argocd.argoproj.io/sync-wave': 'soon' }, 0],
    [{ 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '7' }, 7],
    // helm.sh/hook-weight is the fallback wave beside an Argo CD hook annotation too (syncwaves.Wave).
    [{ 'argocd.argoproj.io/hook': 'PreSync', 'helm.sh/hook-weight': '-4' }, -4],
    [{ 'argocd.argoproj.io/sync-wave': '2', 'helm.sh/hook-weight': '-4' }, 2],
    // An unparsable sync-wave falls back to the weight, as strconv.Atoi failing does.
    [{ 'argocd.argoproj.io/sync-wave': 'soon', 'helm.sh/hook-weight': '3' }, 3],
    [{ 'argocd.argoproj.io/sync-wave': '1e3' }, 0],
  ])('wave of %j is %d', (annotations, wave) => {
    expect(syncWave(withAnnotations(annotations))).toBe(wave);
  });
});

describe('effectiveSyncOptions', () => {
  it('starts from defaults, applies app options, and lets the resource annotation win', () => {
    expect(effectiveSyncOptions(undefined)).toMatchObject({
      prune: 'true',
      validate: true,
      serverSideApply: true,
    });
    const app = ['ServerSideApply=true', 'Prune=false', 'CreateNamespace=true'];
    const res = withAnnotations({
      'argocd.argoproj.io/sync-options': 'Prune=true, ServerSideApply=false,PruneLast=true',
    });
    expect(effectiveSyncOptions(app)).toMatchObject({
      serverSideApply: true,
      prune: 'false',
      createNamespace: true,
    });
    expect(effectiveSyncOptions(app, res)).toMatchObject({
      serverSideApply: false,
      prune: 'true',
      pruneLast: true,
      createNamespace: true,
    });
  });
});
