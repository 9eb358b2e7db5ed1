import type { Command } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The source, destination and policy flags `app create` and `app set` share (Argo CD's names). */
export function withAppSpecFlags(command: Command): Command {
  return command
    .option('--repo <url>', 'repository URL')
    .option('--path <path>', 'path in the repository')
    .option('--helm-chart <chart>', 'Helm chart name (Helm repositories)')
    .option('--revision <revision>', 'target revision: branch, tag, commit or chart version')
    .option('--dest-server <url>', 'destination cluster API server URL')
    .option('--dest-name <name>', 'destination cluster name')
    .option('--dest-namespace <namespace>', 'destination namespace')
    .option('--project <project>', 'project')
    .option('--sync-policy <policy>', 'automated or none')
    .option('--auto-prune', 'prune with automated sync')
    .option('--self-heal', 'self-heal with automated sync')
    .option('--sync-option <option>', 'sync option, e.g. CreateNamespace=true (repeatable)', collect)
    .option('--helm-set <k=v>', 'Helm parameter (repeatable)', collect)
    .option('--values <file>', 'Helm values file in the repository (repeatable)', collect)
    .option('--kustomize-image <image>', 'kustomize image override (repeatable)', collect)
    .option('--label <k=v>', 'label of the Application (repeatable)', collect);
}

/** The stored Application as a manifest to edit: what the server computed (status, times) left out. */
export function editableManifest(app: {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown>;
  spec: unknown;
}): Record<string, unknown> {
  const { name, namespace, labels, annotations, finalizers } = app.metadata;
  return {
    apiVersion: app.apiVersion ?? 'argoproj.io/v1alpha1',
    kind: app.kind ?? 'Application',
    metadata: { name, namespace, labels, annotations, ...(finalizers ? { finalizers } : {}) },
    spec: app.spec,
  };
}
