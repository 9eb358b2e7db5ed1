// Reads and changes live objects in the sandbox cluster the way an operator would: kubectl when
// it is installed (the drift step shows the real command), plain HTTP otherwise.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);

export class SandboxClient {
  constructor(kubeconfigPath, server, token, kubectl) {
    this.kubeconfigPath = kubeconfigPath;
    this.server = server;
    this.token = token;
    this.kubectl = kubectl;
  }

  static async fromKubeconfig(kubeconfigPath, kubectl) {
    const config = parse(await readFile(kubeconfigPath, 'utf8'));
    const server = config?.clusters?.[0]?.cluster?.server;
    if (typeof server !== 'string')
      throw new Error(`${kubeconfigPath}: clusters[0].cluster.server is missing`);
    const token = config?.users?.[0]?.user?.token;
    return new SandboxClient(
      kubeconfigPath,
      server,
      token,
      kubectl && existsSync(kubectl) ? kubectl : undefined,
    );
  }

  /** A Deployment, or undefined when it does not exist (yet). */
  async deployment(namespace, name) {
    const res = await fetch(`${this.server}/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, {
      headers: this.token ? { Authorization: `Bearer ${this.token}` } : {},
      signal: AbortSignal.timeout(5000),
    });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`GET deployment ${namespace}/${name}: HTTP ${res.status}`);
    return res.json();
  }

  /** Scales a Deployment behind Berth's back; returns the command a person would have typed. */
  async scale(namespace, name, replicas) {
    const command = `kubectl -n ${namespace} scale deployment/${name} --replicas=${replicas}`;
    if (this.kubectl) {
      await run(this.kubectl, ['-n', namespace, 'scale', `deployment/${name}`, `--replicas=${replicas}`], {
        env: { ...process.env, KUBECONFIG: this.kubeconfigPath },
        timeout: 20_000,
      });
      return command;
    }
    const res = await fetch(`${this.server}/apis/apps/v1/namespaces/${namespace}/deployments/${name}/scale`, {
      method: 'PATCH',
      headers: {
        'Content-Type': 'application/merge-patch+json',
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ spec: { replicas } }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`scaling ${namespace}/${name}: HTTP ${res.status} ${await res.text()}`);
    return `${command}   (sent as a PATCH of /scale: kubectl is not installed)`;
  }
}
