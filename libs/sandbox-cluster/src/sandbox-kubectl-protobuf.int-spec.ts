import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

const kubectlPath = findKubectl();
const describeWithKubectl = kubectlPath ? describe : describe.skip;

/**
 * What the stored object must contain: the object kubectl printed client-side (and so encoded as
 * protobuf), without `status` (reset by the server on create), the null creationTimestamp and other
 * nulls (Go's JSON of nil fields), which the server replaces or omits.
 */
function encodedPart(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(encodedPart);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    out[k] = encodedPart(v);
  }
  return out;
}

describeWithKubectl('kubectl imperative creates send protobuf bodies the sandbox decodes', () => {
  let cluster: SandboxCluster;
  let dir: string;
  let kubeconfig: string;
  const kubectl = (args: string[]) => runKubectl(args, { kubeconfig, home: dir });
  const ns = 'proto';

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    dir = await mkdtemp(join(tmpdir(), 'sandbox-kubectl-protobuf-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    expect((await kubectl(['create', 'namespace', ns])).code).toBe(0);
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // [resource to read back, kubectl arguments]; run in order (expose/autoscale need the deployment).
  const creates: [string, string[]][] = [
    ['deployment/web', ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80']],
    ['job/once', ['create', 'job', 'once', '--image=busybox:1.36', '--', 'sh', '-c', 'echo hi']],
    [
      'cronjob/nightly',
      ['create', 'cronjob', 'nightly', '--image=busybox:1.36', '--schedule=*/5 * * * *', '--', 'date'],
    ],
    ['service/svc1', ['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080']],
    ['service/np1', ['create', 'service', 'nodeport', 'np1', '--tcp=80:8080', '--node-port=30080']],
    ['service/ext1', ['create', 'service', 'externalname', 'ext1', '--external-name=example.com']],
    [
      'role/reader',
      [
        'create',
        'role',
        'reader',
        '--verb=get,list',
        '--resource=pods,deployments.apps',
        '--resource-name=web',
      ],
    ],
    [
      'rolebinding/reader',
      [
        'create',
        'rolebinding',
        'reader',
        '--role=reader',
        '--user=alice',
        '--group=devs',
        `--serviceaccount=${ns}:default`,
      ],
    ],
    [
      'clusterrole/proto-logs',
      ['create', 'clusterrole', 'proto-logs', '--verb=get', '--non-resource-url=/logs'],
    ],
    ['clusterrole/proto-agg', ['create', 'clusterrole', 'proto-agg', '--aggregation-rule=proto=agg']],
    [
      'clusterrolebinding/proto-logs',
      ['create', 'clusterrolebinding', 'proto-logs', '--clusterrole=proto-logs', '--user=bob'],
    ],
    [
      'ingress/ing1',
      [
        'create',
        'ingress',
        'ing1',
        '--class=nginx',
        '--rule=foo.com/bar=svc1:80,tls=secret1',
        '--default-backend=svc1:http',
        '--annotation=team=web',
      ],
    ],
    ['pdb/pdb1', ['create', 'pdb', 'pdb1', '--selector=app=web', '--min-available=50%']],
    ['pdb/pdb2', ['create', 'pdb', 'pdb2', '--selector=app=web', '--max-unavailable=1']],
    [
      'priorityclass/proto-high',
      [
        'create',
        'priorityclass',
        'proto-high',
        '--value=1000',
        '--description=high',
        '--preemption-policy=Never',
        '--global-default',
      ],
    ],
    ['quota/q1', ['create', 'quota', 'q1', '--hard=cpu=1,memory=1Gi,pods=10', '--scopes=BestEffort']],
    ['job/from-cron', ['create', 'job', 'from-cron', '--from=cronjob/nightly']],
    ['deployment/pair', ['create', 'deployment', 'pair', '--image=nginx:1.27', '--image=busybox:1.36']],
    ['service/lb1', ['create', 'service', 'loadbalancer', 'lb1', '--tcp=443:8443', '--tcp=80']],
    ['serviceaccount/builder', ['create', 'serviceaccount', 'builder']],
    [
      'secret/regcred',
      [
        'create',
        'secret',
        'docker-registry',
        'regcred',
        '--docker-server=r.example',
        '--docker-username=u',
        '--docker-password=p',
      ],
    ],
    ['configmap/both', ['create', 'configmap', 'both', '--from-literal=a=1', '--from-literal=b=2']],
    ['ingress/wild', ['create', 'ingress', 'wild', '--rule=*.example.com/api*=svc1:8080']],
    [
      'cronjob/onfail',
      ['create', 'cronjob', 'onfail', '--image=busybox:1.36', '--schedule=@hourly', '--restart=OnFailure'],
    ],
    ['service/web', ['expose', 'deployment', 'web', '--port=8080', '--target-port=80']],
    ['hpa/web', ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu=80%']],
    ['service/pair-np', ['expose', 'deployment', 'pair', '--name=pair-np', '--port=80', '--type=NodePort']],
  ];

  it.each(creates)('%s: stores what kubectl encoded', async (resource, args) => {
    // Flags go before `--`: what follows it is the container's command.
    const withFlags = (...flags: string[]) => {
      const end = args.includes('--') ? args.indexOf('--') : args.length;
      return [...args.slice(0, end), '-n', ns, ...flags, ...args.slice(end)];
    };
    const printed = await kubectl(withFlags('--dry-run=client', '-o', 'json'));
    expect(printed).toMatchObject({ code: 0 });
    const created = await kubectl(withFlags());
    expect({ stderr: created.stderr, code: created.code }).toEqual({ stderr: '', code: 0 });

    const stored = JSON.parse((await kubectl(['get', resource, '-n', ns, '-o', 'json'])).stdout) as object;
    const { status: _status, ...encoded } = encodedPart(JSON.parse(printed.stdout)) as Record<
      string,
      unknown
    >;
    expect(stored).toMatchObject(encoded);
  });

  it('decodes the protobuf body of a server-side dry run too, and stores nothing', async () => {
    const args = ['create', 'deployment', 'dry', '--image=nginx:1.27', '-n', ns, '-o', 'json'];
    const client = await kubectl([...args, '--dry-run=client']);
    const server = await kubectl([...args, '--dry-run=server']);
    expect(server).toMatchObject({ code: 0, stderr: '' });
    const { status: _status, ...encoded } = encodedPart(JSON.parse(client.stdout)) as Record<string, unknown>;
    expect(JSON.parse(server.stdout)).toMatchObject(encoded);
    expect((await kubectl(['get', 'deployment', 'dry', '-n', ns])).code).toBe(1);
  });

  it('answers a clear 400 naming the kind and field when a body holds a field it cannot decode', async () => {
    // A volume (PodSpec field 1) is not in the table: the sandbox refuses it instead of dropping it.
    const res = await fetch(`${cluster.url}/apis/apps/v1/namespaces/${ns}/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf', authorization: 'Bearer sandbox' },
      body: deploymentWithVolume(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(
      'Deployment: the sandbox cannot decode field 1 of PodSpec (at .spec.template.spec); send JSON instead',
    );
  });
});

/** `k8s\0` + runtime.Unknown{apps/v1 Deployment} whose pod template declares one volume. */
function deploymentWithVolume(): Buffer {
  const len = (b: Buffer) => Buffer.from([b.length]);
  const field = (n: number, body: Buffer | string) => {
    const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
    return Buffer.concat([Buffer.from([(n << 3) | 2]), len(b), b]);
  };
  const podSpec = field(1, field(1, 'data'));
  const deployment = Buffer.concat([field(1, field(1, 'vol')), field(2, field(3, field(2, podSpec)))]);
  return Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    field(1, Buffer.concat([field(1, 'apps/v1'), field(2, 'Deployment')])),
    field(2, deployment),
  ]);
}
