import { isHelmChartName } from '@berth/domain';
import { parse } from 'yaml';
import { SourceError } from '../source.error';
import { excessiveYamlNesting } from '../yaml/yaml-limits';

/**
 * One entry of a chart's `dependencies` (Chart.yaml), by where helm gets it from:
 * - `vendored`: no repository; the chart must already be in `charts/`.
 * - `file`: `file://<path>`, a chart directory beside it in the same repository, packaged offline.
 * - `registered`: `@name` or `alias:name`, a Helm repository registered in Berth under that name.
 * - `url`: an `https://` (or, where allowed, `http://`) Helm repository.
 */
export type ChartDependency =
  | { source: 'vendored'; name: string; version: string }
  | { source: 'file'; name: string; version: string; path: string }
  | { source: 'registered'; name: string; version: string; repoName: string; repository: string }
  | { source: 'url'; name: string; version: string; url: string };

/** A registered repository's name as `@name` may give it: also a file name in helm's cache. */
const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_DEPENDENCIES = 100;
const FIELD = 'spec.source.path';

function refuse(code: 'invalid-manifest' | 'invalid-repo-url', message: string): never {
  throw new SourceError(code, message, FIELD);
}

/**
 * The `dependencies` of a Chart.yaml (`file` names it in messages, e.g. `apps/web/Chart.yaml`), each
 * checked before anything reaches helm: a chart name helm accepts, a version without control
 * characters, and a repository Berth fetches from. OCI registries are refused (not supported yet).
 */
export function parseChartDependencies(chartYaml: string, file: string): ChartDependency[] {
  const tooDeep = excessiveYamlNesting(chartYaml, file);
  if (tooDeep) throw new SourceError('manifest-too-complex', tooDeep, FIELD);
  let doc: unknown;
  try {
    // failsafe: every scalar stays a string, as Helm's Go structs read them (`version: 1.10`).
    doc = parse(chartYaml, { schema: 'failsafe', maxAliasCount: 100 });
  } catch (err) {
    throw new SourceError('invalid-manifest', `${file} is not valid YAML: ${(err as Error).message}`, FIELD, {
      cause: err,
    });
  }
  const raw = (doc as { dependencies?: unknown } | null)?.dependencies;
  if (raw === undefined || raw === null || raw === '') return [];
  if (!Array.isArray(raw)) refuse('invalid-manifest', `${file}: dependencies is not a list`);
  if (raw.length > MAX_DEPENDENCIES)
    refuse('invalid-manifest', `${file} lists more than ${MAX_DEPENDENCIES} dependencies`);
  return raw.map((entry: unknown, i) => dependencyOf(entry, `${file} dependencies[${i}]`));
}

function dependencyOf(entry: unknown, where: string): ChartDependency {
  const fields = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  const name = fields.name;
  if (typeof name !== 'string' || !isHelmChartName(name))
    refuse('invalid-manifest', `${where}: "${String(name)}" is not a chart name`);
  const version = fields.version ?? '';
  if (typeof version !== 'string' || CONTROL.test(version) || version.length > 255)
    refuse('invalid-manifest', `${where} (${name}): the version is not a version or a semver range`);
  const repository = fields.repository ?? '';
  if (typeof repository !== 'string' || CONTROL.test(repository))
    refuse('invalid-manifest', `${where} (${name}): the repository is not a URL`);
  const repo = repository.trim();
  if (repo === '') return { source: 'vendored', name, version };
  if (repo.startsWith('@') || repo.startsWith('alias:')) {
    const repoName = repo.startsWith('@') ? repo.slice(1) : repo.slice('alias:'.length);
    if (!REPO_NAME.test(repoName))
      refuse('invalid-repo-url', `${where} (${name}): "${repo}" does not name a Helm repository`);
    return { source: 'registered', name, version, repoName, repository: repo };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(repo)?.[1]?.toLowerCase();
  if (scheme === 'file') return { source: 'file', name, version, path: repo.slice('file://'.length) };
  if (scheme === 'https' || scheme === 'http') return { source: 'url', name, version, url: repo };
  if (scheme === 'oci')
    refuse(
      'invalid-repo-url',
      `${where} (${name}): "${repo}" is an OCI registry, which Berth does not fetch from yet; vendor the chart into charts/ or use an https:// Helm repository`,
    );
  return refuse(
    'invalid-repo-url',
    `${where} (${name}): "${repo}" is not a Helm repository URL (https://), a registered repository (@name) or a chart of this repository (file://)`,
  );
}
