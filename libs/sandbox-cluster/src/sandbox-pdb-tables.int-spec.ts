import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@berth/testing';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 7: PodDisruptionBudget status from the matching pods (the disruption controller), and the
// server-side Table columns `kubectl get` / `-o wide` print for built-in kinds (printers.go).

const describeWithKubectl = findKubectl() ? describe : describe.skip;

/** The header line and the first row of `kubectl get`, split on runs of two or more spaces. */
function table(stdout: string): { header: string[]; row: string[] } {
  const [header = '', row = ''] = stdout.split('\n');
  const split = (l: string) => l.trim().split(/\s{2,}/);
  return { header: split(header), row: split(row) };
}

describeWithKubectl('PDB status and kubectl get columns (kubectl)', () => {
  let cluster: SandboxCluster;
  let dir: string;
  let kubeconfig: string;
  const kubectl = (args: string[], input?: string) =>
    runKubectl(args, { kubeconfig, home: dir, ...(input !== undefined ? { input } : {}) });
  /** kubectl's client-side generators, applied as YAML (their typed protobuf create is not decoded here). */
  const generate = async (args: string[]) => {
    const yaml = await kubectl([...args, '--dry-run=client', '-o', 'yaml']);
    const applied = await kubectl(['apply', '-f', '-'], yaml.stdout);
    expect(applied.code).toBe(0);
  };

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    dir = await mkdtemp(join(tmpdir(), 'sandbox-pdb-tables-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    await generate(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3']);
    await kubectl(['rollout', 'status', 'deployment/web', '--timeout=20s']);
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a PDB reports healthy, desired and allowed disruptions from the pods it selects', async () => {
    await generate(['create', 'pdb', 'min', '--selector=app=web', '--min-available=2']);
    await generate(['create', 'pdb', 'max', '--selector=app=web', '--max-unavailable=50%']);
    await generate(['create', 'pdb', 'none', '--selector=app=nothing', '--min-available=1']);
    await eventually(async () => {
      const status = async (name: string) =>
        JSON.parse((await kubectl(['get', 'pdb', name, '-o', 'jsonpath={.status}'])).stdout) as Record<
          string,
          unknown
        >;
      expect(await status('min')).toMatchObject({
        currentHealthy: 3,
        desiredHealthy: 2,
        disruptionsAllowed: 1,
        expectedPods: 3,
        observedGeneration: 1,
        conditions: [
          {
            type: 'DisruptionAllowed',
            status: 'True',
            reason: 'SufficientPods',
            message: '',
            observedGeneration: 1,
          },
        ],
      });
      // 50% of the Deployment's 3 replicas, rounded up: 2 may be unavailable, 1 must stay.
      expect(await status('max')).toMatchObject({
        currentHealthy: 3,
        desiredHealthy: 1,
        disruptionsAllowed: 2,
        expectedPods: 3,
      });
      expect(await status('none')).toMatchObject({
        currentHealthy: 0,
        desiredHealthy: 1,
        disruptionsAllowed: 0,
        expectedPods: 0,
        conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }],
      });
    });
    const printed = table((await kubectl(['get', 'pdb', 'max'])).stdout);
    expect(printed.header).toEqual([
      'NAME',
      'MIN AVAILABLE',
      'MAX UNAVAILABLE',
      'ALLOWED DISRUPTIONS',
      'AGE',
    ]);
    expect(printed.row.slice(0, 4)).toEqual(['max', 'N/A', '50%', '2']);
  });

  it('workloads print their real columns, and -o wide adds containers, images and selector', async () => {
    const deploy = table((await kubectl(['get', 'deployment', 'web', '-o', 'wide'])).stdout);
    expect(deploy.header).toEqual([
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
      'CONTAINERS',
      'IMAGES',
      'SELECTOR',
    ]);
    expect([...deploy.row.slice(0, 4), ...deploy.row.slice(5)]).toEqual([
      'web',
      '3/3',
      '3',
      '3',
      'nginx',
      'nginx:1.27',
      'app=web',
    ]);
    const rs = table((await kubectl(['get', 'replicasets'])).stdout);
    expect(rs.header).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(rs.row.slice(1, 4)).toEqual(['3', '3', '3']);
    const pods = table((await kubectl(['get', 'pods', '-o', 'wide'])).stdout);
    expect(pods.header).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(pods.row.slice(6)).toEqual(['sandbox-node', '<none>', '<none>']);
  });

  it('other kinds print the columns of a real cluster', async () => {
    await generate(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    await generate(['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=2']);
    await generate(['create', 'role', 'reader', '--verb=get', '--resource=pods']);
    await generate(['create', 'rolebinding', 'reader', '--role=reader', '--user=alice', '--group=devs']);
    await generate(['create', 'job', 'once', '--image=busybox']);
    await generate(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *']);
    const headers = async (args: string[]) => table((await kubectl(['get', ...args])).stdout).header;
    expect(await headers(['service', 'web', '-o', 'wide'])).toEqual([
      'NAME',
      'TYPE',
      'CLUSTER-IP',
      'EXTERNAL-IP',
      'PORT(S)',
      'AGE',
      'SELECTOR',
    ]);
    expect(table((await kubectl(['get', 'service', 'web'])).stdout).row[4]).toBe('80/TCP');
    expect(await headers(['configmap', 'cfg'])).toEqual(['NAME', 'DATA', 'AGE']);
    expect(table((await kubectl(['get', 'configmap', 'cfg'])).stdout).row[1]).toBe('2');
    expect(await headers(['role', 'reader'])).toEqual(['NAME', 'CREATED AT']);
    expect(await headers(['rolebinding', 'reader', '-o', 'wide'])).toEqual([
      'NAME',
      'ROLE',
      'AGE',
      'USERS',
      'GROUPS',
      'SERVICEACCOUNTS',
    ]);
    expect(table((await kubectl(['get', 'rolebinding', 'reader', '-o', 'wide'])).stdout).row).toEqual([
      'reader',
      'Role/reader',
      expect.any(String),
      'alice',
      'devs',
    ]);
    expect(await headers(['job', 'once'])).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    await eventually(async () =>
      expect(table((await kubectl(['get', 'job', 'once'])).stdout).row.slice(1, 3)).toEqual([
        'Complete',
        '1/1',
      ]),
    );
    expect(await headers(['cronjob', 'tick'])).toEqual([
      'NAME',
      'SCHEDULE',
      'TIMEZONE',
      'SUSPEND',
      'ACTIVE',
      'LAST SCHEDULE',
      'AGE',
    ]);
    await generate(['create', 'secret', 'generic', 'pw', '--from-literal=p=q']);
    expect(table((await kubectl(['get', 'secret', 'pw'])).stdout)).toEqual({
      header: ['NAME', 'TYPE', 'DATA', 'AGE'],
      row: ['pw', 'Opaque', '1', expect.any(String)],
    });
  });

  it('nodes, resource quotas and endpoint slices print the columns of a real cluster', async () => {
    const node = await kubectl(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n  labels:\n    node-role.kubernetes.io/worker: ""\n',
    );
    expect(node.code).toBe(0);
    const nodes = table((await kubectl(['get', 'nodes', '-o', 'wide'])).stdout);
    expect(nodes.header).toEqual([
      'NAME',
      'STATUS',
      'ROLES',
      'AGE',
      'VERSION',
      'INTERNAL-IP',
      'EXTERNAL-IP',
      'OS-IMAGE',
      'KERNEL-VERSION',
      'CONTAINER-RUNTIME',
    ]);
    // No kubelet reports its status: the Ready condition is missing, as for a node that never joined.
    expect(nodes.row.slice(0, 3)).toEqual(['n1', 'Unknown', 'worker']);
    await generate(['create', 'quota', 'q', '--hard=pods=10,requests.cpu=2,limits.memory=4Gi']);
    const quota = table((await kubectl(['get', 'quota', 'q'])).stdout);
    expect(quota.header).toEqual(['NAME', 'AGE', 'REQUEST', 'LIMIT']);
    expect(quota.row.slice(2)).toEqual([
      expect.stringMatching(/^pods: \d+\/10, requests\.cpu: \w+\/2$/),
      expect.stringMatching(/^limits\.memory: \w+\/4Gi$/),
    ]);
    const slice = await kubectl(
      ['apply', '-f', '-'],
      [
        'apiVersion: discovery.k8s.io/v1',
        'kind: EndpointSlice',
        'metadata: { name: web-abc }',
        'addressType: IPv4',
        'ports: [{ port: 80 }, { port: 443 }]',
        'endpoints:',
        ...['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => `  - addresses: ["${ip}"]`),
      ].join('\n'),
    );
    expect(slice.code).toBe(0);
    expect(table((await kubectl(['get', 'endpointslice', 'web-abc'])).stdout)).toEqual({
      header: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
      row: ['web-abc', 'IPv4', '80,443', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', expect.any(String)],
    });
  });

  it('events print LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and -o wide the rest, as a real cluster', async () => {
    const applied = await kubectl(
      ['apply', '-f', '-'],
      [
        'apiVersion: v1',
        'kind: Event',
        'metadata: { name: web.1 }',
        'involvedObject: { kind: Deployment, name: web, namespace: default, fieldPath: spec }',
        'reason: ScalingReplicaSet',
        'message: "Scaled up replica set web-1 to 3 "',
        'type: Normal',
        'count: 2',
        'source: { component: deployment-controller }',
        `firstTimestamp: "${new Date(Date.now() - 60_000).toISOString().slice(0, 19)}Z"`,
        `lastTimestamp: "${new Date(Date.now() - 30_000).toISOString().slice(0, 19)}Z"`,
      ].join('\n'),
    );
    expect(applied.code).toBe(0);
    expect(
      table((await kubectl(['get', 'events', '--field-selector', 'metadata.name=web.1'])).stdout),
    ).toEqual({
      header: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      row: [
        expect.stringMatching(/^3\ds$/),
        'Normal',
        'ScalingReplicaSet',
        'deployment/web',
        'Scaled up replica set web-1 to 3',
      ],
    });
    const wide = table(
      (await kubectl(['get', 'events', '--field-selector', 'metadata.name=web.1', '-o', 'wide'])).stdout,
    );
    expect(wide.header).toEqual([
      'LAST SEEN',
      'TYPE',
      'REASON',
      'OBJECT',
      'SUBOBJECT',
      'SOURCE',
      'MESSAGE',
      'FIRST SEEN',
      'COUNT',
      'NAME',
    ]);
    expect(wide.row.slice(4)).toEqual([
      'spec',
      'deployment-controller',
      'Scaled up replica set web-1 to 3',
      expect.stringMatching(/^(59|60|61)s$/),
      '2',
      'web.1',
    ]);
  });

  it('storage, certificate, flow-control and admission-policy kinds print the columns of a real cluster', async () => {
    const apply = async (yaml: string) => expect((await kubectl(['apply', '-f', '-'], yaml)).code).toBe(0);
    const get = async (...args: string[]) => table((await kubectl(['get', ...args])).stdout);
    await apply(
      'apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: { name: d.example.com }\n' +
        'spec: { attachRequired: false, tokenRequests: [{ audience: a }], volumeLifecycleModes: [Persistent, Ephemeral] }',
    );
    expect(await get('csidriver', 'd.example.com')).toEqual({
      header: [
        'NAME',
        'ATTACHREQUIRED',
        'PODINFOONMOUNT',
        'STORAGECAPACITY',
        'TOKENREQUESTS',
        'REQUIRESREPUBLISH',
        'MODES',
        'AGE',
      ],
      row: [
        'd.example.com',
        'false',
        'false',
        'false',
        'a',
        'false',
        'Persistent,Ephemeral',
        expect.any(String),
      ],
    });
    await apply(
      'apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: { name: n1 }\n' +
        'spec: { drivers: [{ name: d.example.com, nodeID: n1 }] }',
    );
    expect(await get('csinode', 'n1')).toEqual({
      header: ['NAME', 'DRIVERS', 'AGE'],
      row: ['n1', '1', expect.any(String)],
    });
    await apply(
      'apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata: { name: va1 }\n' +
        'spec: { attacher: d.example.com, nodeName: n1, source: { persistentVolumeName: pv1 } }',
    );
    expect(await get('volumeattachment', 'va1')).toEqual({
      header: ['NAME', 'ATTACHER', 'PV', 'NODE', 'ATTACHED', 'AGE'],
      row: ['va1', 'd.example.com', 'pv1', 'n1', 'false', expect.any(String)],
    });
    await apply(
      'apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata: { name: csr1 }\n' +
        'spec: { request: TFMwdA==, signerName: example.com/x, expirationSeconds: 3600, usages: [digital signature] }',
    );
    const csr = await get('csr', 'csr1');
    expect(csr.header).toEqual(['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION']);
    expect(csr.row.slice(-3)).toEqual(['example.com/x', '60m', 'Pending']);
    await apply(
      'apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\nmetadata: { name: pl1 }\n' +
        'spec: { type: Limited, limited: { nominalConcurrencyShares: 5, limitResponse: { type: Queue, queuing: { queues: 16, handSize: 4, queueLengthLimit: 50 } } } }',
    );
    expect(await get('prioritylevelconfiguration', 'pl1')).toEqual({
      header: ['NAME', 'TYPE', 'NOMINALCONCURRENCYSHARES', 'QUEUES', 'HANDSIZE', 'QUEUELENGTHLIMIT', 'AGE'],
      row: ['pl1', 'Limited', '5', '16', '4', '50', expect.any(String)],
    });
    await apply(
      'apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata: { name: fs1 }\n' +
        'spec: { priorityLevelConfiguration: { name: pl1 }, matchingPrecedence: 500, distinguisherMethod: { type: ByUser } }',
    );
    expect(await get('flowschema', 'fs1')).toEqual({
      header: ['NAME', 'PRIORITYLEVEL', 'MATCHINGPRECEDENCE', 'DISTINGUISHERMETHOD', 'AGE', 'MISSINGPL'],
      row: ['fs1', 'pl1', '500', 'ByUser', expect.any(String), '?'],
    });
    // Audit only: the policy must not refuse what the rest of this spec sends.
    await apply(
      'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: { name: p1 }\n' +
        'spec: { paramKind: { apiVersion: v1, kind: ConfigMap }, validations: [{ expression: "true" }], ' +
        'matchConstraints: { resourceRules: [{ apiGroups: [example.com], apiVersions: [v1], operations: [CREATE], resources: [widgets] }] } }',
    );
    expect(await get('validatingadmissionpolicy', 'p1')).toEqual({
      header: ['NAME', 'VALIDATIONS', 'PARAMKIND', 'AGE'],
      row: ['p1', '1', 'v1/ConfigMap', expect.any(String)],
    });
    await apply(
      'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: { name: b1 }\n' +
        'spec: { policyName: p1, validationActions: [Audit], paramRef: { name: cfg, namespace: default, parameterNotFoundAction: Allow } }',
    );
    expect(await get('validatingadmissionpolicybinding', 'b1')).toEqual({
      header: ['NAME', 'POLICYNAME', 'PARAMREF', 'AGE'],
      row: ['b1', 'p1', 'default/cfg', expect.any(String)],
    });
  });
});
