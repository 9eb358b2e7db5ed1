/** Argo CD's `ChartDetails`: what the UI shows of a Helm chart version. */
export interface ChartDetails {
  description?: string;
  home?: string;
  /** `Name <email>`, or the name alone, as Argo CD's repo-server writes them. */
  maintainers?: string[];
}

/**
 * The details of a chart from its parsed `Chart.yaml` (repo-server's getChartDetails): description, home
 * and the maintainers. A Chart.yaml of another shape gives what it has; fields that are not strings are
 * left out (a chart's author wrote them).
 */
export function chartDetailsOf(chartYaml: unknown): ChartDetails {
  if (!isObject(chartYaml)) return {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const maintainers = (Array.isArray(chartYaml['maintainers']) ? chartYaml['maintainers'] : [])
    .filter(isObject)
    .map((m) => {
      const name = text(m['name']) ?? '';
      const email = text(m['email']);
      return (email ? `${name} <${email}>` : name).trim();
    })
    .filter((m) => m !== '');
  const description = text(chartYaml['description']);
  const home = text(chartYaml['home']);
  return {
    ...(description ? { description } : {}),
    ...(home ? { home } : {}),
    ...(maintainers.length > 0 ? { maintainers } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
