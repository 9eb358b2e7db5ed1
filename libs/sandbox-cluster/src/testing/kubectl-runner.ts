import { execFile } from 'node:child_process';
import { findKubectl } from './find-kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  kubeconfig: string;
  /** Isolates kubectl's discovery cache (~/.kube/cache) per test run. */
  home?: string;
  input?: string;
  timeoutMs?: number;
}

export class KubectlNotFoundError extends Error {
  readonly code = 'KUBECTL_NOT_FOUND';
  constructor() {
    super(
      'kubectl not found: set KUBECTL_PATH, run `npm run tools` (installs .tools/bin/kubectl), or put kubectl on PATH',
    );
    this.name = 'KubectlNotFoundError';
  }
}

/** Runs kubectl against a kubeconfig; resolves with the exit code instead of throwing. */
export function runKubectl(args: string[], options: KubectlOptions): Promise<KubectlResult> {
  const binary = findKubectl();
  if (!binary) return Promise.reject(new KubectlNotFoundError());
  return new Promise((resolve) => {
    const child = execFile(
      binary,
      args,
      {
        env: {
          ...process.env,
          KUBECONFIG: options.kubeconfig,
          ...(options.home ? { HOME: options.home } : {}),
        },
        timeout: options.timeoutMs ?? 30000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        // execFile's error carries the exit code as `code` (a number), or a spawn error's code (a string).
        const exitCode = (err as { code?: unknown } | null)?.code;
        const code = err ? (typeof exitCode === 'number' ? exitCode : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
