import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ClustersRepository } from '@berth/event-store';
import { SecretBox } from '@berth/infra';
import { OutboundRefusedError } from '@berth/net';
import { sandboxKubeconfig } from '@berth/sandbox-cluster';
import { InClusterResolver, KubeCluster, RegisteredClusterResolver } from '@berth/kube';
import { startTestScheduler, type TestScheduler } from '../scheduler/scheduler-harness';
import { type ClusterAnswer, errorOf } from '../testing/api-answer';

// Server-side request forgery through registration: a cluster `server` or a repository URL that
// points at the link-local range or a cloud metadata host makes Berth connect there with its own
// network position (and, for clusters, send the caller's token there) and report what it found.

const KEY = randomBytes(32).toString('base64');
const REFUSED = /connections to .* are refused/;

describe('SSRF through cluster and repository registration', () => {
  let scheduler: TestScheduler;
  let http: TestScheduler['http'];
  let previousKey: string | undefined;

  beforeAll(async () => {
    previousKey = process.env['BERTH_SECRET_KEY'];
    process.env['BERTH_SECRET_KEY'] = KEY;
    scheduler = await startTestScheduler();
    ({ http } = scheduler);
  });
  afterAll(async () => {
    await scheduler.close();
    if (previousKey === undefined) delete process.env['BERTH_SECRET_KEY'];
    else process.env['BERTH_SECRET_KEY'] = previousKey;
  });

  it.each([
    ['the AWS/GCP/Azure metadata address', 'http://169.254.169.254'],
    ['a link-local address in hex', 'http://0xa9fea9fe:6443'],
    ['an IPv4-mapped IPv6 link-local address', 'https://[::ffff:169.254.169.254]:6443'],
    ['an IPv6 link-local address', 'https://[fe80::1]:6443'],
    ["GCP's metadata host name", 'http://metadata.google.internal'],
    ["Alibaba Cloud's metadata address", 'http://100.100.100.200'],
  ])(
    'SSRF: a cluster server at %s is refused at registration with 400 naming server, before any connection',
    async (_what, server) => {
      const started = Date.now();
      const res = await http
        .post('/api/v1/clusters')
        .send({ name: 'meta', server, bearerToken: 'caller-token', insecure: true });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ field: 'server', issues: [{ field: 'server' }] });
      expect(errorOf(res).message).toMatch(REFUSED);
      expect(Date.now() - started).toBeLessThan(2_000);
    },
  );

  it("SSRF: a kubeconfig whose current cluster's server is the metadata address is refused with 400 naming kubeconfig", async () => {
    const res = await http
      .post('/api/v1/clusters')
      .send({ name: 'meta-kc', kubeconfig: sandboxKubeconfig('http://169.254.169.254:80', 'caller-token') });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'kubeconfig' });
    expect(errorOf(res).message).toMatch(REFUSED);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/repo.git'],
    ['https://metadata.google.internal/computeMetadata/v1/repo.git'],
    ['git@169.254.169.254:org/repo.git'],
  ])('SSRF: a repository URL %s is refused at registration with 400 naming repo', async (repo) => {
    const res = await http.post('/api/v1/repositories').send({ repo });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'repo', issues: [{ field: 'repo' }] });
    expect(errorOf(res).message).toMatch(REFUSED);
  });

  it('SSRF: BERTH_OUTBOUND_ALLOW re-opens a link-local destination the operator means (refused without it)', async () => {
    const allowed = await startTestScheduler({ BERTH_OUTBOUND_ALLOW: '169.254.0.0/16' });
    try {
      const body = { name: 'allowed', server: 'http://169.254.0.1:1', bearerToken: 't', insecure: true };
      const refused = await http.post('/api/v1/clusters').send(body);
      expect(errorOf(refused).message).toMatch(REFUSED);
      const res = await allowed.http.post('/api/v1/clusters').send(body);
      // Past the policy: the connection check itself now decides (nothing listens there).
      expect(errorOf(res).message).not.toMatch(REFUSED);
      expect(errorOf(res).message).toMatch(/failed the connection check/);
    } finally {
      await allowed.close();
    }
  }, 60_000);

  it('SSRF at connect time: a cluster stored with a metadata server (before the check existed) is refused by the worker and by ?refresh=true', async () => {
    const box = new SecretBox(KEY);
    await scheduler.db.dataSource.query(
      `INSERT INTO clusters (name, server, auth_type, sealed_config, connection_state) VALUES ($1, $2, 'token', $3, '{}'::jsonb)`,
      [
        'legacy',
        'http://169.254.169.254',
        box.seal(sandboxKubeconfig('http://169.254.169.254', 'caller-token')),
      ],
    );
    const inCluster = new InClusterResolver(
      KubeCluster.fromKubeconfig(sandboxKubeconfig('http://127.0.0.1:9', 'x')),
    );
    const resolver = new RegisteredClusterResolver(
      new ClustersRepository(scheduler.db.dataSource),
      box,
      inCluster,
    );
    await expect(resolver.forDestination({ name: 'legacy' })).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(resolver.forDestination({ server: 'http://169.254.169.254' })).rejects.toThrow(REFUSED);

    const refreshed = await http.get('/api/v1/clusters/legacy?refresh=true');
    expect(refreshed.status).toBe(200);
    expect((refreshed.body as ClusterAnswer).connectionState).toMatchObject({
      status: 'Failed',
      message: expect.stringMatching(REFUSED),
    });
  });
});
