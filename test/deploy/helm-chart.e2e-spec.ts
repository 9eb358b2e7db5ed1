import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { BerthMetrics } from '@berth/infra';
import { findTools } from '@berth/render';
import { startSandboxCluster, type SandboxCluster } from '@berth/sandbox-cluster';
import { eventually } from '@berth/testing';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../e2e/built-entrypoints';

const run = promisify(execFile);
const CHART = join(REPO_ROOT, 'deploy/helm/berth');

type Obj = KubernetesObject & {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

interface Rendered {
  objects: Obj[];
  /** Hooks by phase, in Helm's order (weight, then kind as Helm installs them). */
  hooks: (phase: string) => Obj[];
  regular: Obj[];
}

let helm: string;

async function render(namespace: string, set: string[] = []): Promise<Rendered> {
  const args = ['template', 'berth', CHART, '--namespace', namespace];
  for (const s of set) args.push('--set', s);
  const { stdout } = await run(helm, args, { maxBuffer: 16 * 1024 * 1024 });
  const objects = parseAllDocuments(stdout)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null && typeof o === 'object');
  const hookOf = (o: Obj) => o.metadata?.annotations?.['helm.sh/hook'];
  const weight = (o: Obj) => Number(o.metadata?.annotations?.['helm.sh/hook-weight'] ?? 0);
  return {
    objects,
    hooks: (phase) =>
      objects
        .filter((o) => (hookOf(o) ?? '').split(',').includes(phase))
        .sort((a, b) => weight(a) - weight(b)),
    regular: objects.filter((o) => hookOf(o) === undefined),
  };
}

const named = (objects: Obj[], kind: string) =>
  objects.filter((o) => o.kind === kind).map((o) => o.metadata?.name ?? '');

beforeAll(() => {
  const tools = findTools();
  if (!tools.helm) throw new Error('helm is missing: run npm run tools');
  helm = tools.helm;
});

describe('deploy/helm/berth', () => {
  it('passes helm lint --strict, with the defaults and with external Postgres/Redis and an Ingress', async () => {
    const { stdout } = await run(helm, ['lint', '--strict', CHART]);
    expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    const external = await run(helm, [
      'lint',
      '--strict',
      CHART,
      '--set',
      'externalDatabase.url=postgres://berth:pw@db:5432/berth,externalRedis.url=redis://redis:6379,scheduler.ingress.enabled=true',
    ]);
    expect(external.stdout).toContain('0 chart(s) failed');
  });

  it('renders every part the issue lists, non-root, with probes on /healthz and /readyz', async () => {
    const { objects, hooks, regular } = await render('berth', ['scheduler.ingress.enabled=true']);
    expect(named(regular, 'Deployment').sort()).toEqual([
      'berth-notifier',
      'berth-postgres',
      'berth-redis',
      'berth-scheduler',
      'berth-worker',
    ]);
    expect(named(regular, 'Service').sort()).toEqual([
      'berth-notifier',
      'berth-postgres',
      'berth-redis',
      'berth-scheduler',
    ]);
    expect(named(regular, 'Ingress')).toEqual(['berth']);
    expect(named(regular, 'HorizontalPodAutoscaler')).toEqual(['berth-worker']);
    expect(named(regular, 'PodDisruptionBudget').sort()).toEqual([
      'berth-notifier',
      'berth-scheduler',
      'berth-worker',
    ]);
    expect(named(regular, 'ServiceAccount')).toEqual(['berth']);
    expect(named(regular, 'ClusterRole')).toEqual(['berth']);
    expect(named(regular, 'ClusterRoleBinding')).toEqual(['berth']);
    // Bundled trial database: the migration runs after install, and before every upgrade.
    expect(named(hooks('post-install'), 'Job')).toEqual(['berth-migrate']);
    expect(named(hooks('pre-upgrade'), 'Secret').concat(named(hooks('pre-upgrade'), 'Job'))).toEqual([
      'berth-keys',
      'berth-connections',
      'berth-migrate',
    ]);
    for (const d of objects.filter(
      (o) =>
        o.kind === 'Deployment' &&
        ['berth-scheduler', 'berth-worker', 'berth-notifier'].includes(o.metadata?.name ?? ''),
    )) {
      const pod = (d.spec?.['template'] as { spec: Record<string, unknown> }).spec;
      expect(pod['securityContext']).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      const [container] = pod['containers'] as Array<Record<string, unknown>>;
      expect(container?.['securityContext']).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(container?.['livenessProbe']).toMatchObject({ httpGet: { path: '/healthz' } });
      expect(container?.['readinessProbe']).toMatchObject({ httpGet: { path: '/readyz' } });
      expect(container?.['resources']).toMatchObject({ requests: expect.any(Object) as unknown });
    }
  });

  it('with external Postgres and Redis: no bundled ones, the migration runs before install', async () => {
    const { hooks, regular } = await render('berth', [
      'externalDatabase.url=postgres://berth:pw@db.example:5432/berth',
      'externalRedis.url=redis://redis.example:6379',
    ]);
    expect(named(regular, 'Deployment').sort()).toEqual([
      'berth-notifier',
      'berth-scheduler',
      'berth-worker',
    ]);
    expect(named(hooks('pre-install'), 'Secret').concat(named(hooks('pre-install'), 'Job'))).toEqual([
      'berth-keys',
      'berth-connections',
      'berth-migrate',
    ]);
  });

  it('scales the workers on queue depth with KEDA instead of the HPA, and refuses both at once', async () => {
    const lint = await run(helm, [
      'lint',
      '--strict',
      CHART,
      '--set',
      'worker.autoscaling.enabled=false,worker.autoscaling.keda.enabled=true',
    ]);
    expect(lint.stdout).toContain('0 chart(s) failed');
    const { regular } = await render('tenant-a', [
      'worker.autoscaling.enabled=false',
      'worker.autoscaling.keda.enabled=true',
      'worker.autoscaling.keda.maxReplicas=20',
    ]);
    expect(named(regular, 'HorizontalPodAutoscaler')).toEqual([]);
    const [scaled] = regular.filter((o) => o.kind === 'ScaledObject');
    expect(scaled?.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled?.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'berth-worker' },
      minReplicaCount: 2,
      maxReplicaCount: 20,
    });
    const [trigger] = scaled?.spec?.['triggers'] as Array<{ type: string; metadata: Record<string, string> }>;
    expect(trigger?.type).toBe('prometheus');
    expect(trigger?.metadata['query']).toBe(
      'sum(max by (queue) (berth_queue_depth{queue=~"refresh|sync",namespace="tenant-a"}))',
    );
    expect(trigger?.metadata['threshold']).toBe('50');
    // The query asks for a metric every Berth process really exports, with the queues it names.
    const metrics = new BerthMetrics('worker');
    metrics.setQueueState({ refresh: 3, sync: 1 }, { refresh: 2, sync: 0 });
    const exported = await metrics.registry.metrics();
    expect(exported).toMatch(/^berth_queue_depth\{queue="refresh",service="worker"\} 3$/m);
    expect(exported).toMatch(/^berth_queue_depth\{queue="sync",service="worker"\} 1$/m);
    expect(exported).toMatch(/^berth_queue_oldest_job_age_seconds\{queue="refresh",service="worker"\} 2$/m);
    // The Deployment leaves its replicas to KEDA.
    const worker = regular.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'berth-worker');
    expect(worker?.spec?.['replicas']).toBeUndefined();

    const both = await run(helm, [
      'template',
      'berth',
      CHART,
      '--set',
      'worker.autoscaling.keda.enabled=true',
    ]).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(both).toContain('worker.autoscaling.enabled and worker.autoscaling.keda.enabled are both true');
  });

  it("runs the Dockerfile's image: the commands it starts are in what the image copies, as the image's user", async () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m); // uid 1000 in the node images
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(dockerfile).toMatch(/^COPY scripts \.\/scripts$/m);
    const chart = readFileSync(join(CHART, 'Chart.yaml'), 'utf8');
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(chart).toContain(`appVersion: '${version}'`);
    const { objects } = await render('berth');
    const commands = objects
      .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
      .flatMap((o) => {
        const pod = (
          o.spec?.['template'] as { spec: { containers: Array<{ image: string; command?: string[] }> } }
        ).spec;
        return pod.containers.filter((c) => c.image.startsWith('ghcr.io/berth/berth:'));
      })
      .map((c) => c.command ?? []);
    expect(commands).toHaveLength(4);
    for (const [node, script] of commands) {
      expect(node).toBe('node');
      // dist/ is the build (`npm run build` in the Dockerfile) of apps/*/src/main.ts; scripts/ is copied as is.
      const source = (script ?? '').replace(/^dist\/(.*)\.js$/, '$1.ts');
      expect({ script, exists: existsSync(join(REPO_ROOT, source)) }).toEqual({ script, exists: true });
    }
  });

  describe('applied to the sandbox cluster', () => {
    let cluster: SandboxCluster;
    let api: KubernetesObjectApi;
    const namespace = 'berth-system';

    beforeAll(async () => {
      cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
      const kc = new KubeConfig();
      kc.loadFromString(cluster.kubeconfig());
      api = KubernetesObjectApi.makeApiClient(kc);
    });
    afterAll(async () => {
      await cluster?.close();
    });

    it('accepts every object, in Helm install order, and every Deployment rolls out', async () => {
      const { hooks, regular } = await render(namespace, [
        'scheduler.ingress.enabled=true',
        'notifier.config.service\\.webhook\\.ci=url: https://ci.example/hook',
      ]);
      await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      const apply = async (o: Obj) => {
        const namespaced = !['ClusterRole', 'ClusterRoleBinding', 'Namespace'].includes(o.kind ?? '');
        const withNs = { ...o, metadata: { ...o.metadata, ...(namespaced ? { namespace } : {}) } };
        await api.create(withNs).catch((e: unknown) => {
          throw new Error(`${o.kind}/${o.metadata?.name} refused: ${String(e)}`);
        });
      };
      for (const o of hooks('pre-install')) await apply(o);
      for (const o of regular) await apply(o);
      for (const o of hooks('post-install')) await apply(o);

      const deployments = regular.filter((o) => o.kind === 'Deployment');
      expect(deployments).toHaveLength(5);
      for (const d of deployments) {
        const name = d.metadata?.name ?? '';
        await eventually(
          async () => {
            const live = await api.read<Obj>({
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { name, namespace },
            });
            const want = Number(live.spec?.['replicas'] ?? 1);
            expect({ name, ...live.status }).toMatchObject({
              name,
              replicas: want,
              updatedReplicas: want,
              availableReplicas: want,
            });
            return live;
          },
          { timeout: 30_000, interval: 100, what: `Deployment ${name} rolled out` },
        );
      }
      // The HPA found its target (the sandbox's HPA controller reports, it does not scale).
      await eventually(
        async () => {
          const hpa = await api.read<Obj>({
            apiVersion: 'autoscaling/v2',
            kind: 'HorizontalPodAutoscaler',
            metadata: { name: 'berth-worker', namespace },
          });
          expect(hpa.status).toMatchObject({
            desiredReplicas: 2,
            conditions: expect.arrayContaining([
              expect.objectContaining({ type: 'AbleToScale', status: 'True' }),
            ]) as unknown,
          });
        },
        { timeout: 30_000, interval: 100, what: 'the worker HPA to find berth-worker' },
      );
      await eventually(
        async () => {
          const job = await api.read<Obj>({
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: 'berth-migrate', namespace },
          });
          expect(job.status?.['succeeded']).toBe(1);
        },
        { timeout: 30_000, interval: 100, what: 'the migration Job completed' },
      );
    }, 90_000);
  });
});
