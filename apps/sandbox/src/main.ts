import { resolve } from 'node:path';
// Only these two files of libs/infra: the sandbox starts without loading the database and queue adapters.
import { listenFailure } from '@berth/runtime';
import { StartupError } from '@berth/runtime';
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
    throw new StartupError(
      `SANDBOX_PORT must be a TCP port number (0-65535, 0 picks a free one), got "${process.env['SANDBOX_PORT']}"`,
    );
  }
  const timeScale = Number(process.env['SANDBOX_TIME_SCALE'] ?? 1);
  if (!(timeScale > 0))
    throw new StartupError(
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
  }).catch((error: unknown) => {
    throw listenFailure(error, port, 'SANDBOX_PORT') ?? error;
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

// One line, exit code 1 (docs/dependency-failures.md); the message never spans lines.
main().catch((err) => {
  console.error(`sandbox: ${(err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
});
