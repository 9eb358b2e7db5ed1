import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LAST_APPLIED_ANNOTATION } from '@berth/domain';
import type { RecordedRequest } from '@berth/sandbox-cluster';
import { describeEvent, WorkerHarness } from './worker-harness';

// Issue #22 items 12 and 13 through the worker: the sync options planned for a resource are what the
// sandbox receives (its request log), including those written on the live object, and a cluster-scoped
// object with a namespace in Git is one object, never re-created nor pruned as its own twin.

function configMap(name: string, data: Record<string, string>, options?: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
${options ? `  annotations:\n    argocd.argoproj.io/sync-options: "${options}"\n` : ''}data:
${Object.entries(data)
  .map(([k, v]) => `  ${k}: "${v}"`)
  .join('\n')}
`;
}

const job = (image: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    argocd.argoproj.io/sync-options: Force=true,Replace=true
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: migrate, image: "${image}" }]
`;

/**
 * Writes that took effect on one object (its own path, or a POST to its collection naming it in the body):
 * not GETs, and not the dry run every sync sends of each task before applying any (dryRun=All).
 */
function writesOf(requests: RecordedRequest[], plural: string, name: string): string[] {
  return requests
    .filter(
      (r) =>
        r.method !== 'GET' &&
        r.query['dryRun'] === undefined &&
        (r.path.endsWith(`/${plural}/${name}`) ||
          (r.method === 'POST' &&
            r.path.endsWith(`/${plural}`) &&
            (r.body ?? '').includes(`"name":"${name}"`))),
    )
    .map((r) =>
      `${r.method} ${r.contentType ?? ''}${r.query['fieldValidation'] ? ` ${r.query['fieldValidation']}` : ''}`.trim(),
    );
}

describe('sync options take effect in the worker (request log of the sandbox)', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start({ sandbox: { recordRequests: true } });
  }, 60_000);
  afterAll(async () => h?.stop());

  const syncNow = async (app: string, options: { prune?: boolean } = {}) => {
    const id = await h.requestSync(app, { prune: options.prune ?? false });
    expect(await h.sync().process({ application: app, operationId: id })).toBe('Succeeded');
  };

  it('Replace=true written on the live object replaces it (PUT), as Argo CD honours both sides', async () => {
    await h.repo.commit({ 'live-replace/cm.yaml': configMap('settings', { mode: 'a' }) });
    await h.createApp('live-replace', 'live-replace');
    await syncNow('live-replace');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'live-replace', name: 'settings' };
    // An operator annotates the live object (kubectl annotate), Git does not.
    await h.cluster.mergePatch(ref, {
      metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'Replace=true' } },
    });
    await h.repo.commit({ 'live-replace/cm.yaml': configMap('settings', { mode: 'b' }) });
    h.sandbox.clearRequests();
    await syncNow('live-replace');
    expect(writesOf(h.sandbox.requests(), 'configmaps', 'settings')).toEqual(['PUT application/json Strict']);
    expect((await h.cluster.get(ref))?.['data']).toEqual({ mode: 'b' });
  });

  it('ServerSideApply=false applies client-side: last-applied written, fields dropped from Git removed and drift', async () => {
    await h.repo.commit({ 'csa/cm.yaml': configMap('settings', { a: '1', b: '2' }) });
    await h.createApp('csa', 'csa', { syncOptions: ['CreateNamespace=true', 'ServerSideApply=false'] });
    h.sandbox.clearRequests();
    await syncNow('csa');
    expect(writesOf(h.sandbox.requests(), 'configmaps', 'settings')).toEqual([
      'POST application/json Strict',
    ]);
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'csa', name: 'settings' };
    expect((await h.cluster.get(ref))?.metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toContain('"b":"2"');
    expect((await h.refresh().process({ application: 'csa', hard: false, reason: 'test' })).syncStatus).toBe(
      'Synced',
    );

    await h.repo.commit({ 'csa/cm.yaml': configMap('settings', { a: '1' }) });
    // Read from last-applied: `b` was declared by the last apply and Git dropped it, so it is drift.
    expect((await h.refresh().process({ application: 'csa', hard: true, reason: 'test' })).syncStatus).toBe(
      'OutOfSync',
    );
    h.sandbox.clearRequests();
    await syncNow('csa');
    expect(writesOf(h.sandbox.requests(), 'configmaps', 'settings')).toEqual([
      'PATCH application/strategic-merge-patch+json Strict',
    ]);
    expect((await h.cluster.get(ref))?.['data']).toEqual({ a: '1' });
    expect((await h.refresh().process({ application: 'csa', hard: false, reason: 'test' })).syncStatus).toBe(
      'Synced',
    );
  });

  it('Validate=false turns server-side field validation off (fieldValidation=Ignore)', async () => {
    await h.repo.commit({ 'lenient/cm.yaml': configMap('settings', { a: '1' }, 'Validate=false') });
    await h.createApp('lenient', 'lenient');
    h.sandbox.clearRequests();
    await syncNow('lenient');
    expect(writesOf(h.sandbox.requests(), 'configmaps', 'settings')).toEqual([
      'PATCH application/apply-patch+yaml Ignore',
    ]);
  });

  it('Force=true,Replace=true deletes and recreates a Job on every sync', async () => {
    await h.repo.commit({ 'jobs/job.yaml': job('busybox:1.36') });
    await h.createApp('jobs', 'jobs');
    await syncNow('jobs');
    const ref = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'jobs', name: 'migrate' };
    const uid = (await h.cluster.get(ref))?.metadata['uid'];
    h.sandbox.clearRequests();
    await syncNow('jobs');
    expect(writesOf(h.sandbox.requests(), 'jobs', 'migrate')).toEqual([
      'DELETE application/json',
      'POST application/json Strict',
    ]);
    expect((await h.cluster.get(ref))?.metadata['uid']).not.toBe(uid);
  });

  it('a Namespace with a namespace set in Git is matched by identity: applied, never pruned as its own twin', async () => {
    await h.repo.commit({
      'stray/ns.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: team-stray
  namespace: default
`,
      'stray/cm.yaml': configMap('settings', { a: '1' }),
    });
    await h.createApp('stray', 'stray');
    const from = (await h.events('stray')).length;
    await syncNow('stray', { prune: true });
    await syncNow('stray', { prune: true });
    const synced = (await h.events('stray'))
      .slice(from)
      .map(describeEvent)
      .filter((e) => e.includes('Namespace/team-stray'));
    expect(synced).toEqual([
      'ResourceSynced:Namespace/team-stray:created',
      'ResourceSynced:Namespace/team-stray:unchanged',
    ]);
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'team-stray' })).toBeDefined();
    expect(
      (await h.refresh().process({ application: 'stray', hard: false, reason: 'test' })).syncStatus,
    ).toBe('Synced');
  });
});
