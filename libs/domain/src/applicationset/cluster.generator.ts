import type { ClusterGenerator, GeneratorParams, LabelSelector } from './applicationset.types';
import type { ClusterInfo } from './generator-sources.port';
import { sanitizeName } from './sanitize-name';
import type { RenderOptions } from './template-render';
import { withTemplatedValues } from './templated-values';

export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * Argo CD's cluster generator: one parameter set per registered cluster whose labels match
 * `selector`, plus the local cluster (`in-cluster`) when no registered cluster has its server and the
 * selector is empty. Parameters: `name`, `nameNormalized`, `server`, `project`,
 * `metadata.labels.<key>`, `metadata.annotations.<key>` (a `metadata` map with Go templates).
 */
export function clusterParams(
  generator: ClusterGenerator,
  clusters: readonly ClusterInfo[],
  options: RenderOptions,
): GeneratorParams[] {
  const selector = generator.selector ?? {};
  const emptySelector =
    Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  const all = [...clusters];
  if (emptySelector && !clusters.some((c) => c.server === IN_CLUSTER_SERVER))
    all.push({ name: 'in-cluster', server: IN_CLUSTER_SERVER });
  return all
    .filter((cluster) => matchesSelector(selector, cluster.labels ?? {}))
    .map((cluster) => withTemplatedValues(generator.values, paramsOf(cluster, options), options));
}

function paramsOf(cluster: ClusterInfo, options: RenderOptions): GeneratorParams {
  const base: GeneratorParams = {
    name: cluster.name,
    nameNormalized: sanitizeName(cluster.name),
    server: cluster.server,
    project: cluster.project ?? '',
  };
  const labels = cluster.labels ?? {};
  const annotations = cluster.annotations ?? {};
  if (options.goTemplate) return { ...base, metadata: { labels, annotations } };
  for (const [k, v] of Object.entries(annotations)) base[`metadata.annotations.${k}`] = v;
  for (const [k, v] of Object.entries(labels)) base[`metadata.labels.${k}`] = v;
  return base;
}

/** Kubernetes' LabelSelector: every matchLabels pair and every matchExpressions requirement holds. */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[req.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[req.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}
