import { resolve } from 'node:path';
import { startSandboxCluster } from '@berth/sandbox-cluster';

/**
 * `npm run sandbox`: a Kubernetes API server with a controller simulator on 127.0.0.1, so Berth
 * can deploy something without a real cluster. Env: SANDBOX_PORT (6443), SANDBOX_KUBECONFIG
 * (.data/sandbox.kubeconfig), SANDBOX_STATE (.data/sandbox-state.json; empty disables),
 * SANDBOX_TIME_SCALE (1), SANDBOX_TOKEN (sandbox).
 */
async function main(): Promise<void> {
  const port = Number(process.env['SANDBOX_PORT'] ?? 6443);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SANDBOX_PORT must be a TCP port number (0-65535), got "${process.env['SANDBOX_PORT']}"`);
  }
  const timeScale = Number(process.env['SANDBOX_TIME_SCALE'] ?? 1);
  if (!(timeScale > 0))
    throw new Error(
      `SANDBOX_TIME_SCALE must be a positive number, got "${process.env['SANDBOX_TIME_SCALE']}"`,
    );
  const kubeconfigPath = resolve(process.env['SANDBOX_KUBECONFIG'] ?? '.data/sandbox.kubeconfig');
  const stateEnv = process.env['SANDBOX_STATE'];
  const stateFile = stateEnv === '' ? undefined : resolve(stateEnv ?? '.data/sandbox-state.json');
  const cluster = await startSandboxCluster({
    port,
    timeScale,
    ...(stateFile ? { stateFile } : {}),
    ...(process.env['SANDBOX_TOKEN'] ? { token: process.env['SANDBOX_TOKEN'] } : {}),
  });
  await cluster.writeKubeconfig(kubeconfigPath);
  process.stdout.write(`${cluster.kubeconfig()}\n`);
  process.stdout.write(`sandbox cluster listening on ${cluster.url}\n`);
  process.stdout.write(`kubeconfig written to ${kubeconfigPath}\n  export KUBECONFIG=${kubeconfigPath}\n`);
  if (stateFile) process.stdout.write(`state saved to ${stateFile}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping sandbox cluster\n`);
    cluster.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(`sandbox: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
