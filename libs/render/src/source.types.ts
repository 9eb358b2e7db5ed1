/** Argo CD's `spec.source` shape: the domain owns it (libs/domain/src/application/application.types.ts). */
export type {
  ApplicationSource,
  ApplicationSourceDirectory,
  ApplicationSourceJsonnet,
  ApplicationSourceHelm,
  ApplicationSourceKustomize,
  HelmFileParameter,
  HelmParameter,
  KustomizeReplica,
} from '@berth/domain';

/** Argo CD's source types Berth renders (`Plugin`: a config management plugin). */
export type SourceType = 'Helm' | 'Kustomize' | 'Directory' | 'Plugin';

/** A rendered Kubernetes object: plain JSON as the tool produced it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}
