import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { hostname } from 'node:os';
import { currentAppScope, type BerthMetrics } from '@berth/infra';
import { KUBE_REQUEST_CHANNEL, type KubeRequestMessage } from '@berth/kube';
import {
  GIT_REQUEST_CHANNEL,
  TOOL_EXEC_CHANNEL,
  type GitRequestMessage,
  type ToolExecMessage,
} from '@berth/sources';

/**
 * Counts what the adapters publish (Kubernetes requests, git requests, tool runs) into Argo CD's
 * metrics of this process, labelled with the app of the job that caused them. Returns the unsubscribe.
 */
export function countAdapterRequests(metrics: BerthMetrics): () => void {
  const { argocd } = metrics;
  const host = hostname();
  const onKube = (message: unknown) => {
    const m = message as KubeRequestMessage;
    const app = currentAppScope();
    argocd.appK8sRequest.inc({
      namespace: app?.namespace ?? '',
      name: app?.name ?? '',
      project: app?.project ?? '',
      server: m.server,
      response_code: String(m.statusCode),
      verb: m.verb,
      resource_kind: m.resourceKind,
      resource_namespace: m.resourceNamespace,
      dry_run: String(app?.dryRun ?? false),
    });
  };
  const onGit = (message: unknown) => {
    const m = message as GitRequestMessage;
    const labels = { repo: m.repo, request_type: m.requestType };
    argocd.gitRequest.inc(labels);
    argocd.gitRequestDuration.observe(labels, m.durationSeconds);
    if (m.failed && m.requestType === 'fetch') argocd.gitFetchFail.inc({ repo: m.repo, revision: '' });
  };
  const onTool = (message: unknown) => {
    const m = message as ToolExecMessage;
    if (m.tool === 'kubectl') argocd.kubectlExec.inc({ hostname: host, command: m.command });
  };
  subscribe(KUBE_REQUEST_CHANNEL, onKube);
  subscribe(GIT_REQUEST_CHANNEL, onGit);
  subscribe(TOOL_EXEC_CHANNEL, onTool);
  return () => {
    unsubscribe(KUBE_REQUEST_CHANNEL, onKube);
    unsubscribe(GIT_REQUEST_CHANNEL, onGit);
    unsubscribe(TOOL_EXEC_CHANNEL, onTool);
  };
}
