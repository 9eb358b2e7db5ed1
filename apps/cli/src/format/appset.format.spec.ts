import { describe, expect, it } from '@jest/globals';
import { formatApplicationSet, formatApplicationSetList, formatGeneratedApplications } from './appset.format';

const set = {
  metadata: { name: 'api-services', namespace: 'argocd' },
  spec: {
    syncPolicy: { applicationsSync: 'create-update' },
    template: {
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://git.example.com/m.git',
          path: 'services/{{path.basename}}',
          targetRevision: 'main',
        },
        destination: { server: '{{cluster}}', namespace: '{{env}}' },
      },
    },
  },
  status: {
    conditions: [
      {
        type: 'ErrorOccurred',
        status: 'False',
        message: 'ok',
        lastTransitionTime: '2026-01-01T00:00:00.000Z',
      },
      {
        type: 'ResourcesUpToDate',
        status: 'True',
        message: 'All applications have been generated successfully',
      },
    ],
    resources: [{ name: 'api-web-dev' }],
  },
};

describe('appset formats', () => {
  it("lists in argocd appset list's columns, the True conditions only", () => {
    expect(formatApplicationSetList([set], false)).toBe(
      [
        'NAME                 PROJECT  SYNCPOLICY     CONDITIONS',
        'argocd/api-services  default  create-update  [ResourcesUpToDate]',
      ].join('\n'),
    );
    expect(formatApplicationSetList([set], true).split('\n')[0]).toBe(
      'NAME                 PROJECT  SYNCPOLICY     CONDITIONS           REPO                           PATH                        TARGET',
    );
  });

  it('shows one set with its conditions and generated applications', () => {
    const text = formatApplicationSet(set);
    expect(text).toContain('Name:               argocd/api-services');
    expect(text).toContain('SyncPolicy:         create-update');
    expect(text).toContain('ResourcesUpToDate  True    All applications have been generated successfully');
    expect(text).toContain('Applications: api-web-dev');
  });

  it('prints generated applications as a table', () => {
    expect(
      formatGeneratedApplications([
        {
          metadata: { name: 'api-web-dev' },
          spec: {
            project: 'default',
            destination: { server: 'https://kubernetes.default.svc', namespace: 'dev' },
          },
        },
      ]).split('\n'),
    ).toEqual([
      'NAME         CLUSTER                         NAMESPACE  PROJECT  REPO  PATH  TARGET',
      'api-web-dev  https://kubernetes.default.svc  dev        default',
    ]);
  });
});
