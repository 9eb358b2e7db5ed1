import { describe, expect, it } from '@jest/globals';
import { appInfoLabelsOf } from './app-info.metrics';

describe('appInfoLabelsOf', () => {
  const row = {
    name: 'guestbook',
    project: 'default',
    namespace: 'argocd',
    sourceRepo: 'https://git.example/guestbook.git',
    destServer: 'https://kubernetes.default.svc',
    destNamespace: 'guestbook',
    autoSync: true,
    syncStatus: 'OutOfSync',
    healthStatus: 'Progressing',
    operationRunning: true,
  };

  it("gives Argo CD's labels", () =>
    expect(appInfoLabelsOf(row)).toEqual({
      namespace: 'argocd',
      name: 'guestbook',
      project: 'default',
      autosync_enabled: 'true',
      repo: 'https://git.example/guestbook.git',
      dest_server: 'https://kubernetes.default.svc',
      dest_namespace: 'guestbook',
      sync_status: 'OutOfSync',
      health_status: 'Progressing',
      operation: 'sync',
    }));

  it('says Unknown for a status not known yet, and no operation when none runs', () =>
    expect(
      appInfoLabelsOf({ ...row, syncStatus: '', healthStatus: '', autoSync: false, operationRunning: false }),
    ).toMatchObject({
      sync_status: 'Unknown',
      health_status: 'Unknown',
      autosync_enabled: 'false',
      operation: '',
    }));
});
