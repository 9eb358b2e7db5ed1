import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@berth/infra';
import { bearer } from '@berth/testing';
import { createSchedulerApp } from '../../apps/scheduler/src/create-scheduler-app';
import type { SchedulerContext } from '../../apps/scheduler/src/scheduler.context';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { argoShapeProblems } from './testing/argo-shapes';
import { WatchClient } from './testing/watch-client';

// A dashboard holding Argo CD's Watch open (`GET /api/v1/stream/applications`) on one scheduler replica
// while the changes are made through another: the stream is fed from the event log (LISTEN/NOTIFY across
// processes), not from the replica's own requests. A client reconnecting with the last resourceVersion it
// received misses nothing.

interface WatchLine {
  result?: {
    type: 'ADDED' | 'MODIFIED' | 'DELETED';
    application: {
      metadata: { name: string; resourceVersion: string; labels?: Record<string, string> };
      spec: { source?: { targetRevision?: string } };
    };
  };
  error?: unknown;
}

const app = (name: string, revision = 'HEAD', labels: Record<string, string> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, labels },
  spec: {
    project: 'default',
    source: { repoURL: 'https://git.example.com/org/deploy.git', targetRevision: revision, path: name },
    destination: { server: 'https://kubernetes.default.svc', namespace: name },
  },
});

const about =
  (type: string, name: string) =>
  (line: WatchLine): boolean =>
    line.result?.type === type && line.result.application.metadata.name === name;

describe('Argo CD client: the application watch stream', () => {
  let first: TestScheduler;
  let url: string;
  let second: { app: NestExpressApplication; ctx: SchedulerContext; http: ReturnType<typeof request.agent> };
  const watches: WatchClient[] = [];

  const watch = async (query = '') => {
    const client = await WatchClient.open(
      `${url}/api/v1/stream/applications${query}`,
      bearer(first.adminToken),
    );
    watches.push(client);
    return client;
  };

  beforeAll(async () => {
    first = await startTestScheduler();
    const server = first.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A second replica on the same database and queues.
    const config = loadConfig({
      DATABASE_URL: first.db.url,
      BERTH_QUEUE_PREFIX: first.ctx.config.queuePrefix,
      LOG_LEVEL: 'error',
      REFRESH_INTERVAL_SECONDS: '0',
      BERTH_ACCOUNTS_CONFIG: first.accountsFile,
    });
    const replica = await createSchedulerApp(config);
    await replica.app.init();
    // The admin's session from the first replica is good on the second (one key, one database).
    second = { ...replica, http: request.agent(replica.app.getHttpServer()).set(bearer(first.adminToken)) };
    expect(
      (await first.http.post('/api/v1/applications').send(app('alpha', 'HEAD', { team: 'a' }))).status,
    ).toBe(200);
  });

  afterAll(async () => {
    for (const client of watches) client.close();
    await second?.app.close();
    await second?.ctx.close();
    await first?.close();
  });

  it("starts with the applications as ADDED, then carries another replica's changes: ADDED, MODIFIED, DELETED", async () => {
    const stream = await watch();
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toMatch(/^application\/json/);
    await stream.next(about('ADDED', 'alpha'));

    expect((await second.http.post('/api/v1/applications').send(app('beta'))).status).toBe(200);
    await stream.next(about('ADDED', 'beta'));
    expect((await second.http.put('/api/v1/applications/beta').send(app('beta', 'v2'))).status).toBe(200);
    const modified = await stream.next<WatchLine>(about('MODIFIED', 'beta'));
    expect(modified.result?.application.spec.source?.targetRevision).toBe('v2');
    expect((await second.http.delete('/api/v1/applications/beta?cascade=false')).status).toBe(200);
    await stream.next(about('DELETED', 'beta'));

    for (const line of stream.lines) expect(argoShapeProblems('watch-event', line)).toEqual([]);
    const versions = stream.lines.map((l) =>
      BigInt((l as WatchLine).result!.application.metadata.resourceVersion),
    );
    expect(versions).toEqual([...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('a client that reconnects with its last resourceVersion gets what it missed, and nothing from before', async () => {
    const stream = await watch();
    const added = await stream.next<WatchLine>(about('ADDED', 'alpha'));
    const seen = added.result!.application.metadata.resourceVersion;
    stream.close();
    // Changes while nobody listens, through the other replica.
    expect(
      (await second.http.put('/api/v1/applications/alpha').send(app('alpha', 'v3', { team: 'a' }))).status,
    ).toBe(200);
    expect((await second.http.post('/api/v1/applications').send(app('gamma'))).status).toBe(200);

    const resumed = await watch(`?resourceVersion=${seen}`);
    const alpha = await resumed.next<WatchLine>(about('MODIFIED', 'alpha'));
    expect(alpha.result?.application.spec.source?.targetRevision).toBe('v3');
    await resumed.next(about('ADDED', 'gamma'));
    // No initial list when resuming, and nothing at or before what the client had.
    expect(
      resumed.lines.filter(
        (l) => BigInt((l as WatchLine).result!.application.metadata.resourceVersion) <= BigInt(seen),
      ),
    ).toEqual([]);
  });

  it('filters as Argo CD: by name (with its current state first), by project, by label selector', async () => {
    const named = await watch('?name=gamma');
    await named.next(about('ADDED', 'gamma'));
    const labelled = await watch('?selector=team%3Da&projects=default');
    await labelled.next(about('ADDED', 'alpha'));
    const other = await watch('?project=elsewhere');
    expect(
      (await second.http.put('/api/v1/applications/alpha').send(app('alpha', 'v4', { team: 'a' }))).status,
    ).toBe(200);
    expect((await second.http.put('/api/v1/applications/gamma').send(app('gamma', 'v4'))).status).toBe(200);
    await named.next(about('MODIFIED', 'gamma'));
    await labelled.next(about('MODIFIED', 'alpha'));
    // Every line a watch got passed its filter.
    expect(named.lines.every((l) => (l as WatchLine).result?.application.metadata.name === 'gamma')).toBe(
      true,
    );
    expect(
      labelled.lines.every((l) => (l as WatchLine).result?.application.metadata.labels?.['team'] === 'a'),
    ).toBe(true);
    expect(other.lines).toEqual([]);
  });

  it('refuses a malformed query or a resourceVersion it never handed out, as JSON, before streaming', async () => {
    for (const query of [
      '?resourceVersion=999999999',
      '?resourceVersion=abc',
      '?selector=%3D%3D',
      '?colour=red',
    ]) {
      const res = await first.http.get(`/api/v1/stream/applications${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(argoShapeProblems('runtime-error', res.body)).toEqual([]);
    }
  });
});
