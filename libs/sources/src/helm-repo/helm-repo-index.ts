import semver from 'semver';
import { parse } from 'yaml';
import { SourceError } from '../source.error';
import { excessiveYamlNesting } from '../yaml/yaml-limits';

/** One chart version of a Helm repository's `index.yaml` (the fields Berth uses). */
export interface ChartVersionEntry {
  name: string;
  version: string;
  /** Where the `.tgz` is, absolute or relative to the repository URL. */
  urls: string[];
  digest?: string;
}

/** A parsed `index.yaml`: chart name -> its versions, as the repository lists them. */
export interface HelmRepoIndex {
  entries: Map<string, ChartVersionEntry[]>;
}

const CHART_FIELD = 'spec.source.chart';
const REVISION_FIELD = 'spec.source.targetRevision';
const REPO_FIELD = 'spec.source.repoURL';
/** Versions named in an error message: enough to spot the right one, short enough to read. */
const MAX_LISTED = 20;

/**
 * How errors name what they concern: the Application's own chart (`spec.source.*`, the default) or a
 * chart dependency (`dependency "common" of apps/web/Chart.yaml`).
 */
export interface ChartSubject {
  /** Names the repository, e.g. `spec.source.repoURL "https://charts.example.com"`. */
  repo: (url: string) => string;
  repoField: string;
  /** Names the chart, e.g. `spec.source.chart "nginx"`. */
  chart: (name: string) => string;
  chartField: string;
  /** Names the version asked for, e.g. `spec.source.targetRevision "1.2.*"`. */
  revision: (wanted: string) => string;
  revisionField: string;
}

export const APPLICATION_CHART: ChartSubject = {
  repo: (url) => `${REPO_FIELD} "${url}"`,
  repoField: REPO_FIELD,
  chart: (name) => `${CHART_FIELD} "${name}"`,
  chartField: CHART_FIELD,
  revision: (wanted) => `${REVISION_FIELD} "${wanted}"`,
  revisionField: REVISION_FIELD,
};

/**
 * Parses a Helm repository `index.yaml` (YAML or JSON). Entries without a version are
 * skipped; a document that is not an index is a `not-found` for the repoURL, since the URL
 * then is not a Helm repository.
 */
export function parseHelmRepoIndex(
  text: string,
  repoUrl: string,
  subject: ChartSubject = APPLICATION_CHART,
): HelmRepoIndex {
  const field = subject.repoField;
  const repo = subject.repo(repoUrl);
  // An index.yaml is written by whoever runs the repository: no YAML bomb gets to the parser.
  const tooDeep = excessiveYamlNesting(text, `${repo} index.yaml`);
  if (tooDeep) throw new SourceError('manifest-too-complex', tooDeep, field);
  let doc: unknown;
  try {
    // failsafe keeps every scalar a string, as Helm's Go structs read them: `version: 1.10`
    // stays "1.10" instead of becoming the number 1.1.
    doc = parse(text, { schema: 'failsafe' });
  } catch (err) {
    throw new SourceError(
      'not-found',
      `${repo} serves an index.yaml that is not valid YAML; check that it is a Helm chart repository`,
      field,
      { cause: err },
    );
  }
  const rawEntries = (doc as { entries?: unknown } | null)?.entries;
  if (!rawEntries || typeof rawEntries !== 'object' || Array.isArray(rawEntries)) {
    throw new SourceError(
      'not-found',
      `${repo} has no chart entries in index.yaml; check that it is a Helm chart repository`,
      field,
    );
  }
  const entries = new Map<string, ChartVersionEntry[]>();
  for (const [name, versions] of Object.entries(rawEntries as Record<string, unknown>)) {
    if (!Array.isArray(versions)) continue;
    const list: ChartVersionEntry[] = [];
    for (const raw of versions as unknown[]) {
      const entry = raw as { version?: unknown; urls?: unknown; digest?: unknown } | null;
      // failsafe parsing leaves scalars as strings; anything else is not a usable version.
      if (typeof entry?.version !== 'string' || entry.version === '') continue;
      list.push({
        name,
        version: entry.version,
        urls: Array.isArray(entry.urls)
          ? entry.urls.filter((url): url is string => typeof url === 'string')
          : [],
        digest: typeof entry.digest === 'string' ? entry.digest : undefined,
      });
    }
    entries.set(name, list);
  }
  return { entries };
}

function listed(values: readonly string[]): string {
  const shown = values.slice(0, MAX_LISTED).join(', ');
  return values.length > MAX_LISTED ? `${shown} and ${values.length - MAX_LISTED} more` : shown;
}

/** Versions newest first (semver order; versions that are not semver last, as listed). */
function newestFirst(versions: readonly string[]): string[] {
  const valid = versions.filter((v) => semver.valid(v, { loose: true }));
  const invalid = versions.filter((v) => !semver.valid(v, { loose: true }));
  return [...valid.sort((a, b) => semver.rcompare(a, b, true)), ...invalid];
}

/**
 * Picks the chart version for Argo CD's `targetRevision` on a Helm source: an exact version
 * as listed (`1.2.3`, also `v1.2.3` for `1.2.3`), else the highest version satisfying a semver
 * constraint (`1.2.*`, `^1.2`, `>=1.0.0 <2.0.0`; empty and `*` mean the latest stable one).
 * Pre-releases only match constraints that name a pre-release, as with Helm and Argo CD.
 */
export function resolveChartVersion(
  index: HelmRepoIndex,
  chart: string,
  targetRevision: string | undefined,
  subject: ChartSubject = APPLICATION_CHART,
): ChartVersionEntry {
  const versions = index.entries.get(chart);
  if (!versions || versions.length === 0) {
    const names = [...index.entries.keys()].sort();
    throw new SourceError(
      'not-found',
      `${subject.chart(chart)} is not in the Helm repository; it has ${names.length} chart(s): ${listed(names)}`,
      subject.chartField,
    );
  }
  const wanted = (targetRevision ?? '').trim() || '*';
  const exact =
    versions.find((entry) => entry.version === wanted) ??
    versions.find(
      (entry) =>
        semver.valid(wanted, { loose: true }) !== null &&
        semver.valid(entry.version, { loose: true }) !== null &&
        semver.eq(entry.version, wanted, true),
    );
  if (exact) return exact;
  const range = semver.validRange(wanted, { loose: true });
  let best: ChartVersionEntry | undefined;
  if (range !== null) {
    for (const entry of versions) {
      const version = semver.parse(entry.version, { loose: true });
      if (!version || !semver.satisfies(version, range, { loose: true })) continue;
      if (!best || semver.gt(version, best.version, true)) best = entry;
    }
  }
  if (best) return best;
  const available = listed(newestFirst(versions.map((entry) => entry.version)));
  throw new SourceError(
    'revision-not-found',
    range === null
      ? `${subject.revision(wanted)} is neither a version nor a semver constraint of chart "${chart}"; available versions: ${available}`
      : `${subject.revision(wanted)} matches no version of chart "${chart}"; available versions: ${available}`,
    subject.revisionField,
  );
}
