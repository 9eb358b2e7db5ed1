import { describe, expect, it } from '@jest/globals';
import { applyAppFlags, unsetAppFields } from './app-manifest';

describe('app create flags', () => {
  it("builds Argo CD's Application from the flags", () => {
    expect(
      applyAppFlags('guestbook', {
        repo: 'https://git.example.com/apps.git',
        path: 'guestbook',
        revision: 'main',
        destServer: 'https://kubernetes.default.svc',
        destNamespace: 'web',
        syncPolicy: 'automated',
        autoPrune: true,
        selfHeal: true,
        syncOption: ['CreateNamespace=true'],
        helmSet: ['replicaCount=2'],
        label: ['team=web'],
      }),
    ).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'guestbook', namespace: 'argocd', labels: { team: 'web' } },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://git.example.com/apps.git',
          path: 'guestbook',
          targetRevision: 'main',
          helm: { parameters: [{ name: 'replicaCount', value: '2' }] },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'web' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    });
  });

  it('app set changes only what the flags name; --dest-name replaces the server', () => {
    const base = applyAppFlags('a', {
      repo: 'r',
      path: 'p',
      destServer: 's',
      destNamespace: 'n',
      syncOption: ['A=1'],
    });
    const changed = applyAppFlags(
      'a',
      { destName: 'prod', syncOption: ['A=2', 'B=1'], helmSet: ['x=1'] },
      base,
    );
    expect(changed['spec']).toEqual({
      project: 'default',
      source: { repoURL: 'r', path: 'p', helm: { parameters: [{ name: 'x', value: '1' }] } },
      destination: { name: 'prod', namespace: 'n' },
      syncPolicy: { syncOptions: ['A=2', 'B=1'] },
    });
    expect(base['spec']).toMatchObject({ destination: { server: 's' } });
  });

  it('refuses what it cannot read, naming the flag', () => {
    expect(() => applyAppFlags('a', { helmSet: ['novalue'] })).toThrow(
      /--helm-set novalue: expected key=value/,
    );
    expect(() => applyAppFlags('a', { autoPrune: true })).toThrow(/--sync-policy automated/);
    expect(() => applyAppFlags('a', { syncPolicy: 'sometimes' })).toThrow(/--sync-policy sometimes/);
  });

  it('app unset removes parameters and sync options by name', () => {
    const base = applyAppFlags('a', {
      repo: 'r',
      helmSet: ['x=1', 'y=2'],
      syncOption: ['Prune=false', 'A=1'],
    });
    const spec = unsetAppFields(base, { parameter: ['x'], syncOption: ['Prune'] })['spec'] as Record<
      string,
      unknown
    >;
    expect(spec).toMatchObject({
      source: { helm: { parameters: [{ name: 'y', value: '2' }] } },
      syncPolicy: { syncOptions: ['A=1'] },
    });
  });
});
