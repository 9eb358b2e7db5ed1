import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, KubeConfig, Log } from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { eventually } from '@berth/testing';
import { startSandboxCluster, type SandboxCluster } from './sandbox-cluster';
import { findKubectl } from './testing/find-kubectl';
import { runKubectl } from './testing/kubectl-runner';

// Issue #20 item 8: `kubectl logs` (and a log view through client-node) shows a true synthetic log per
// container, with the API server's query parameters and refusals; exec, attach and port-forward say
// clearly that the sandbox cannot do them.

describe('pod logs and the verbs that need a container runtime', () => {
  let cluster: SandboxCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let dir: string;
  let kubeconfig: string;
  const ns = 'logs';
  const kubectl = (args: string[]) => runKubectl(['-n', ns, ...args], { kubeconfig, home: dir });
  const kubectlIt = findKubectl() ? it : it.skip;

  const pod = (name: string, containers: Array<{ name: string; image: string }>, restartPolicy = 'Always') =>
    core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name }, spec: { restartPolicy, containers } },
    });
  const phase = async (name: string) => (await core.readNamespacedPod({ name, namespace: ns })).status?.phase;
  const raw = (path: string) => fetch(`${cluster.url}/api/v1/namespaces/${ns}/pods/${path}`);

  beforeAll(async () => {
    cluster = await startSandboxCluster({ port: 0, timeScale: 0.01 });
    kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    core = kc.makeApiClient(CoreV1Api);
    dir = await mkdtemp(join(tmpdir(), 'sandbox-logs-'));
    kubeconfig = join(dir, 'kubeconfig');
    await cluster.writeKubeconfig(kubeconfig);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await pod('web', [{ name: 'web', image: 'nginx:1.27' }]);
    await eventually(async () => expect(await phase('web')).toBe('Running'));
  });

  afterAll(async () => {
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  kubectlIt(
    'kubectl logs prints the container start, with --timestamps and --tail as a kubelet does',
    async () => {
      const logs = await kubectl(['logs', 'web']);
      expect(logs).toMatchObject({
        code: 0,
        stdout:
          '[sandbox] container "web" started from image "nginx:1.27" (run 1; simulated: the sandbox runs no processes)\n',
      });
      const stamped = await kubectl(['logs', 'web', '--timestamps']);
      expect(stamped.stdout).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \[sandbox\] container "web" started/,
      );
      expect((await kubectl(['logs', 'web', '--tail=0'])).stdout).toBe('');
    },
  );

  kubectlIt(
    'refusals: several containers and none chosen, an unknown one, one still waiting for its image',
    async () => {
      await pod('two', [
        { name: 'app', image: 'nginx:1.27' },
        { name: 'proxy', image: 'envoyproxy/envoy:v1.31' },
      ]);
      // kubectl picks the first container itself; the server's refusal is what other clients meet.
      const none = await raw('two/log');
      expect(none.status).toBe(400);
      expect(await none.json()).toMatchObject({
        reason: 'BadRequest',
        message: 'a container name must be specified for pod two, choose one of: [app proxy]',
      });
      // kubectl checks the name itself; the server refuses it the same way.
      const unknown = await raw('two/log?container=nope');
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { message: string }).message).toBe(
        'container nope is not valid for pod two',
      );
      await pod('pull', [{ name: 'app', image: 'registry.invalid.example/app:1' }]);
      await eventually(async () => {
        const waiting = await kubectl(['logs', 'pull']);
        expect(waiting.stderr.trim()).toBe(
          'Error from server (BadRequest): container "app" in pod "pull" is waiting to start: trying and failing to pull image',
        );
      });
    },
  );

  kubectlIt(
    'a crash-looping container: --previous shows the run that exited and the rule that made it',
    async () => {
      await pod('crash', [{ name: 'app', image: 'example/app:crashloop' }]);
      await eventually(async () => {
        const previous = await kubectl(['logs', 'crash', '--previous']);
        expect(previous.stdout).toContain(
          '[sandbox] container "app" exited with code 1 (Error): the crash rule (image tag "crashloop" or env SANDBOX_CRASH=1) makes it exit',
        );
      });
      const noPrevious = await kubectl(['logs', 'web', '--previous']);
      expect(noPrevious.stderr.trim()).toBe(
        'Error from server (BadRequest): previous terminated container "web" in pod "web" not found',
      );
    },
  );

  it('follows a run-to-completion pod through client-node until its container exits', async () => {
    // A slower clock than the other tests (a 0.4 s run), so the pod is seen running before it ends.
    const slow = await startSandboxCluster({ port: 0, timeScale: 0.2 });
    try {
      const skc = new KubeConfig();
      skc.loadFromString(slow.kubeconfig());
      const score = skc.makeApiClient(CoreV1Api);
      await score.createNamespace({ body: { metadata: { name: ns } } });
      await score.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: 'once' },
          spec: { restartPolicy: 'Never', containers: [{ name: 'task', image: 'busybox:1.36' }] },
        },
      });
      const slowPhase = async () =>
        (await score.readNamespacedPod({ name: 'once', namespace: ns })).status?.phase;
      await eventually(async () => expect(await slowPhase()).toBe('Running'), { interval: 20 });
      const out = new PassThrough();
      let text = '';
      out.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const ended = new Promise<void>((resolve) => out.on('end', resolve));
      await new Log(skc).log(ns, 'once', 'task', out, { follow: true });
      await ended;
      expect(text).toContain('[sandbox] container "task" started from image "busybox:1.36"');
      expect(text).toContain('[sandbox] container "task" exited with code 0 (Completed)\n');
      expect(await slowPhase()).toBe('Succeeded');
    } finally {
      await slow.close();
    }
  });

  it('validates the log options as the API server does (422 PodLogOptions)', async () => {
    const res = await raw('web/log?sinceSeconds=0&tailLines=-1');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      reason: 'Invalid',
      message:
        'PodLogOptions "web" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, sinceSeconds: Invalid value: 0: must be greater than 0]',
    });
    const both = await raw('web/log?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z');
    expect(both.status).toBe(422);
    expect(((await both.json()) as { message: string }).message).toContain(
      'at most one of `sinceTime` or `sinceSeconds` may be specified',
    );
    expect((await raw('web/log?tailLines=x')).status).toBe(400);
  });

  kubectlIt('kubectl exec and port-forward are refused with a Status saying the sandbox cannot', async () => {
    const exec = await kubectl(['exec', 'web', '--', 'ls']);
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toContain(
      'Error from server (BadRequest): pods/exec is not supported by the sandbox: it runs no containers (pod "web")',
    );
    const res = await fetch(`${cluster.url}/api/v1/namespaces/${ns}/pods/web/portforward`, {
      method: 'POST',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'pods/portforward is not supported by the sandbox: it runs no containers (pod "web")',
    });
  });
});
