/** The Prometheus metric names a Grafana dashboard queries: panel targets and template variable queries. */
export function metricsQueriedBy(dashboard: unknown): string[] {
  const queries: string[] = [];
  const visit = (node: unknown, key?: string) => {
    if (typeof node === 'string') {
      if (key === 'expr' || key === 'query') queries.push(node);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) visit(v, k);
    }
  };
  visit(dashboard);
  const names = new Set<string>();
  for (const q of queries) for (const m of q.matchAll(/\b(?:argocd|berth)_[a-z0-9_]+/g)) names.add(m[0]);
  return [...names].sort();
}

/** Metric names in a /metrics answer (their `# TYPE` lines), with a histogram's _bucket, _count and _sum. */
export function metricsServed(exposition: string): Set<string> {
  const served = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (!name) continue;
    served.add(name);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_count', '_sum']) served.add(`${name}${suffix}`);
  }
  return served;
}

/** The value of the first series of `name` whose labels include every one of `labels`; undefined if none. */
export function sampleValue(
  exposition: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
