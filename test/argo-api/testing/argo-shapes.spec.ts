import { describe, expect, it } from '@jest/globals';
import { argoShapeProblems } from './argo-shapes';

// The fixtures must be able to fail: answers in shapes Argo CD's clients cannot read are refused, each
// problem naming the field.

const application = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'guestbook', namespace: 'argocd', creationTimestamp: '2026-01-02T03:04:05Z' },
  spec: { destination: { server: 'https://kubernetes.default.svc', namespace: 'demo' }, project: 'default' },
  status: {
    sync: { status: 'Synced', revision: 'abc' },
    health: { status: 'Healthy' },
    history: [{ id: 0, revision: 'abc', deployedAt: '2026-01-02T03:04:05Z' }],
  },
};

describe('Argo CD answer schemas', () => {
  it('accept an Application as Argo CD sends it', () => {
    expect(argoShapeProblems('application', application)).toEqual([]);
  });

  it('refuse an Application a client would misread', () => {
    const wrong = {
      ...application,
      metadata: { namespace: 'argocd', creationTimestamp: { seconds: 1 } },
      status: {
        sync: { status: 'InSync' },
        health: { status: 'Healthy' },
        history: [{ id: '0', revision: 'abc', deployedAt: 'yesterday' }],
      },
    };
    expect(argoShapeProblems('application', wrong)).toEqual(
      expect.arrayContaining([
        "/metadata must have required property 'name'",
        '/metadata/creationTimestamp must be string',
        '/status/sync/status must be equal to one of the allowed values (["Synced","OutOfSync","Unknown"])',
        '/status/history/0/id must be integer',
        '/status/history/0/deployedAt must match format "date-time"',
      ]),
    );
  });

  it("refuse Berth's former manifests answer (objects, tools) for Argo CD's ManifestResponse", () => {
    expect(
      argoShapeProblems('manifest-response', {
        revision: 'abc',
        sourceType: 'Directory',
        tools: { helm: 'v3' },
        manifests: [{ kind: 'ConfigMap' }],
      }),
    ).toEqual(['(the answer) must NOT have additional properties (tools)', '/manifests/0 must be string']);
  });

  it("refuse Berth's event stream for a Kubernetes EventList", () => {
    expect(argoShapeProblems('event-list', [{ type: 'ApplicationCreated', position: '1' }])).toEqual([
      '(the answer) must be object',
    ]);
  });

  it('refuse an error answer without a message or a gRPC code', () => {
    expect(argoShapeProblems('runtime-error', { error: 'NotFound' })).toEqual([
      "(the answer) must have required property 'code'",
      "(the answer) must have required property 'message'",
    ]);
    expect(argoShapeProblems('runtime-error', { error: 'NotFound', code: 404, message: 'x' })).toEqual([
      '/code must be equal to one of the allowed values ([2,3,5,6,7,8,9,10,12,13,14,16])',
    ]);
  });

  it('refuse a Cluster or a detailed project that carries credentials', () => {
    const cluster = { name: 'prod', server: 'https://10.0.0.1:6443', config: { bearerToken: 't' } };
    expect(argoShapeProblems('cluster', cluster)).toEqual([
      '/config must NOT have additional properties (bearerToken)',
    ]);
    expect(
      argoShapeProblems('detailed-project', {
        project: { metadata: { name: 'p' }, spec: {} },
        repositories: [{ repo: 'https://git.example.com/x.git', password: 'p' }],
      }),
    ).toEqual(['/repositories/0/password boolean schema is false']);
  });

  it('refuse resource answers a client would misread', () => {
    expect(
      argoShapeProblems('resource-actions-list', { actions: [{ name: 'restart', disabled: 'no' }] }),
    ).toEqual(['/actions/0/disabled must be boolean']);
    expect(argoShapeProblems('application-resource-response', { manifest: { kind: 'Deployment' } })).toEqual([
      '/manifest must be string',
    ]);
    expect(argoShapeProblems('application-response', { ok: true })).toEqual([
      '(the answer) must NOT have additional properties (ok)',
    ]);
  });
});
