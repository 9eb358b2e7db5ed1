import { channel } from 'node:diagnostics_channel';

/**
 * What the source adapters did, published on node:diagnostics_channel so a process can count it
 * (`argocd_git_request_total`, `argocd_git_request_duration_seconds`, `argocd_kubectl_exec_total`)
 * without the adapters knowing about metrics.
 */
export const GIT_REQUEST_CHANNEL = 'berth:git:request';
export const TOOL_EXEC_CHANNEL = 'berth:tool:exec';

export interface GitRequestMessage {
  /** The repository URL without credentials. */
  repo: string;
  /** Argo CD's request types: `ls-remote` (resolving a revision) or `fetch` (updating the mirror). */
  requestType: 'ls-remote' | 'fetch';
  durationSeconds: number;
  failed: boolean;
}

export interface ToolExecMessage {
  /** The executable's file name: helm, kubectl, kustomize, jsonnet, a plugin's command. */
  tool: string;
  /** Its first argument (`template`, `kustomize`, `build`), as Argo CD labels kubectl executions. */
  command: string;
}

export const gitRequestChannel = channel(GIT_REQUEST_CHANNEL);
export const toolExecChannel = channel(TOOL_EXEC_CHANNEL);

/** Times one git request and publishes it, failed or not. */
export async function publishGitRequest<T>(
  repo: string,
  requestType: GitRequestMessage['requestType'],
  run: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let failed = true;
  try {
    const result = await run();
    failed = false;
    return result;
  } finally {
    if (gitRequestChannel.hasSubscribers) {
      const message: GitRequestMessage = {
        repo,
        requestType,
        durationSeconds: (performance.now() - started) / 1000,
        failed,
      };
      gitRequestChannel.publish(message);
    }
  }
}
