import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  escapeHelmSetValue,
  HELM_RELEASE_NAME_MAX_LENGTH,
  isApiVersion,
  isDns1123Label,
  isHelmReleaseName,
  isHelmFilePath,
  isHelmValueKey,
  isKubeVersion,
} from '@berth/domain';
import { copyTree, isSourceError, runTool } from '@berth/sources';
import { stringify } from 'yaml';
import { parseToolOutput } from '../manifest/manifest-parser';
import { RenderError, throwAsRenderError } from '../render.error';
import { resolveInside } from '../safety/path-guard';
import type { ApplicationSourceHelm, KubernetesObject } from '../source.types';
import { envsubst, type BuildEnvEntry } from './build-environment';

export interface HelmRenderContext {
  helm: string | undefined;
  /** Root of the repository tree the chart is in: value files may not leave it. */
  treeRoot: string;
  /** Trees of `ref` sources by name (`values` for `$values/...`), for multi-source apps. */
  refTrees: ReadonlyMap<string, string>;
  /** Default release name (Argo CD: the Application's name). */
  releaseName: string;
  namespace?: string;
  kubeVersion?: string;
  apiVersions?: readonly string[];
  timeoutMs: number;
  maxOutputBytes: number;
  /** Where the per-render directory goes (never the data dir). Default the OS temp dir. */
  workDir?: string;
  /**
   * Builds the chart's dependencies (HelmDependencyCache, with the app's credentials and registered Helm
   * repositories) and returns the `charts/` directory to render with; undefined when there are none.
   * Without it a chart renders with its `charts/` folder as committed.
   */
  dependencies?: (chartDir: string) => Promise<string | undefined>;
  /**
   * Argo CD's build environment: `$ARGOCD_APP_NAME` ... in parameter values, value file and
   * fileParameters paths are replaced, as Argo CD does. Without it values are passed as written.
   */
  env?: readonly BuildEnvEntry[];
}

/** helm's words for a chart whose dependencies are not in `charts/` (Argo CD's IsMissingDependencyErr). */
const MISSING_DEPENDENCY = /found in (Chart|requirements)\.yaml, but missing in charts\/ directory/;

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Resolves one `valueFiles` entry: relative to the chart directory, or `$ref/path` relative
 * to a `ref` source's tree. It must stay inside its repository (no absolute paths, `..`
 * escapes or symlinks out: CVE-2022-24348) and remote URLs are refused. Returns undefined
 * for a missing file when `ignoreMissingValueFiles` is set.
 */
export async function resolveValueFile(
  entry: string,
  index: number,
  chartDir: string,
  context: Pick<HelmRenderContext, 'treeRoot' | 'refTrees' | 'env'>,
  ignoreMissing: boolean,
  fieldName = 'valueFiles',
): Promise<string | undefined> {
  const field = `spec.source.helm.${fieldName}[${index}]`;
  const env = context.env ?? [];
  const isEnvVariable = (name: string) => env.some((variable) => variable.name === name);
  const refOf = (text: string) => {
    const slash = text.indexOf('/');
    return {
      name: text.slice(1, slash < 0 ? undefined : slash),
      rest: slash < 0 ? '.' : text.slice(slash + 1),
    };
  };
  // Argo CD: a `$ref/...` entry is a path in that source (the rest substituted); any other is substituted whole.
  const ref = entry.startsWith('$') ? refOf(entry) : undefined;
  const expanded =
    ref && (context.refTrees.has(ref.name) || !isEnvVariable(ref.name.replace(/^\{|\}$/g, '')))
      ? entry
      : envsubst(env, entry);
  if (REMOTE.test(expanded)) {
    throw new RenderError(
      'value-file-refused',
      `${field} "${entry}" is a remote URL; Berth reads value files only from Git: commit the file or use a ref source`,
      field,
    );
  }
  let root = context.treeRoot;
  let from = chartDir;
  let rel = expanded;
  if (expanded.startsWith('$')) {
    const { name: refName, rest } = refOf(expanded);
    const refTree = context.refTrees.get(refName);
    if (!refTree) {
      throw new RenderError(
        'value-file-refused',
        `${field} "${entry}" uses $${refName}, but no source in spec.sources has ref: ${refName}`,
        field,
      );
    }
    root = refTree;
    from = refTree;
    rel = envsubst(env, rest);
  }
  let path: string;
  try {
    path = await resolveInside(root, from, rel, field);
  } catch (err) {
    if (err instanceof RenderError)
      throw new RenderError('value-file-refused', err.message, field, { cause: err });
    throw err;
  }
  if (!existsSync(path)) {
    if (ignoreMissing) return undefined;
    throw new RenderError(
      'value-file-missing',
      `${field} "${entry}" does not exist at this revision; fix the path or set ignoreMissingValueFiles`,
      field,
    );
  }
  return path;
}

/**
 * Renders a chart with `helm template`, with the arguments Argo CD passes: release name,
 * namespace, value files, then inline values, then `--set`/`--set-string`/`--set-file`,
 * `--include-crds` unless `skipCrds`, `--kube-version` and `--api-versions`. As in Argo CD, when helm
 * says dependencies are missing from `charts/`, they are built (`context.dependencies`) and the chart
 * renders again from a per-render directory: hard links to the chart with the built `charts/`.
 */
export async function renderHelm(
  chartDir: string,
  helm: ApplicationSourceHelm | undefined,
  context: HelmRenderContext,
): Promise<KubernetesObject[]> {
  if (!context.helm) {
    throw new RenderError('tool-not-found', 'helm was not found; run `npm run tools` or set HELM_PATH');
  }
  const releaseName = helm?.releaseName || context.releaseName;
  // Argo CD: helm.namespace, helm.kubeVersion and helm.apiVersions override the app's destination and cluster.
  const target = {
    namespace: helm?.namespace || context.namespace,
    kubeVersion: helm?.kubeVersion || context.kubeVersion,
    apiVersions: helm?.apiVersions?.length ? helm.apiVersions : context.apiVersions,
  };
  assertHelmArguments(helm, target, releaseName);
  const env = context.env ?? [];
  const scratch = await mkdtemp(join(context.workDir ?? tmpdir(), 'berth-helm-'));
  try {
    const args = ['template'];
    if (target.namespace) args.push('--namespace', target.namespace);
    args.push(helm?.skipCrds ? '--skip-crds' : '--include-crds');
    if (helm?.skipSchemaValidation) args.push('--skip-schema-validation');
    if (helm?.skipTests) args.push('--skip-tests');
    for (const [i, entry] of (helm?.valueFiles ?? []).entries()) {
      const path = await resolveValueFile(
        entry,
        i,
        chartDir,
        context,
        helm?.ignoreMissingValueFiles ?? false,
      );
      if (path && !isHelmFilePath(path)) {
        const field = `spec.source.helm.valueFiles[${i}]`;
        throw new RenderError(
          'invalid-argument',
          `${field} "${entry}" resolves to a path holding ",", "\\" or a quote; helm reads --values as a comma-separated list and would open a second file: rename the file`,
          field,
        );
      }
      if (path) args.push('--values', path);
    }
    const inline = helm?.valuesObject ? stringify(helm.valuesObject) : helm?.values;
    if (inline && inline.trim()) {
      const path = join(scratch, 'inline-values.yaml');
      await writeFile(path, inline);
      args.push('--values', path);
    }
    for (const parameter of helm?.parameters ?? []) {
      args.push(
        parameter.forceString ? '--set-string' : '--set',
        `${parameter.name}=${escapeHelmSetValue(envsubst(env, parameter.value ?? ''))}`,
      );
    }
    for (const [i, parameter] of (helm?.fileParameters ?? []).entries()) {
      const path = await resolveValueFile(parameter.path, i, chartDir, context, false, 'fileParameters');
      const field = `spec.source.helm.fileParameters[${i}].path`;
      if (!path || !isHelmFilePath(path)) {
        throw new RenderError(
          'invalid-argument',
          `${field} "${parameter.path}" resolves to a path holding ",", "\\" or a quote, which helm --set-file would split; rename the file`,
          field,
        );
      }
      args.push('--set-file', `${parameter.name}=${path}`);
    }
    if (target.kubeVersion) args.push('--kube-version', target.kubeVersion);
    for (const apiVersion of target.apiVersions ?? []) args.push('--api-versions', apiVersion);
    const template = (dir: string) =>
      // Flags end here: whatever the release name or path holds, helm reads them as positionals.
      runTool(context.helm!, [...args, '--', releaseName, dir], {
        cwd: dir,
        // Helm's caches and config go to a throwaway home: no state shared between renders,
        // and no repository credentials from the worker's own ~/.config/helm.
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: scratch,
          HELM_CACHE_HOME: join(scratch, 'cache'),
          HELM_CONFIG_HOME: join(scratch, 'config'),
          HELM_DATA_HOME: join(scratch, 'data'),
        },
        timeoutMs: context.timeoutMs,
        maxOutputBytes: context.maxOutputBytes,
        label: 'helm template',
      });
    let stdout: string;
    try {
      ({ stdout } = await template(chartDir));
    } catch (err) {
      const charts =
        isSourceError(err, 'tool-failed') && MISSING_DEPENDENCY.test(err.message) && context.dependencies
          ? await context.dependencies(chartDir).catch(throwAsRenderError)
          : undefined;
      if (!charts) throwAsRenderError(err);
      const workspace = join(scratch, 'chart');
      await copyTree(chartDir, workspace, {
        hardLink: true,
        skip: (rel) => rel === 'charts' || rel.startsWith('charts/'),
      }).catch(throwAsRenderError);
      await copyTree(charts, join(workspace, 'charts'), { hardLink: true }).catch(throwAsRenderError);
      ({ stdout } = await template(workspace).catch(throwAsRenderError));
    }
    return parseToolOutput(stdout, 'helm template');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The render-time check of every spec value that becomes a helm argument (the validator checked
 * them at create time; events and older apps may still hold values accepted before).
 */
function assertHelmArguments(
  helm: ApplicationSourceHelm | undefined,
  context: Pick<HelmRenderContext, 'namespace' | 'kubeVersion' | 'apiVersions'>,
  releaseName: string,
): void {
  const refuse = (field: string, message: string): never => {
    throw new RenderError('invalid-argument', `${field} ${message}`, field);
  };
  if (!isHelmReleaseName(releaseName)) {
    const field = helm?.releaseName ? 'spec.source.helm.releaseName' : 'metadata.name';
    refuse(
      field,
      `"${releaseName}" is not a Helm release name (at most ${HELM_RELEASE_NAME_MAX_LENGTH} lowercase letters, digits, "-" and "."); ` +
        'set spec.source.helm.releaseName to one',
    );
  }
  if (context.namespace && !isDns1123Label(context.namespace))
    refuse(
      helm?.namespace ? 'spec.source.helm.namespace' : 'spec.destination.namespace',
      `"${context.namespace}" is not a namespace name`,
    );
  if (context.kubeVersion && !isKubeVersion(context.kubeVersion))
    refuse(
      helm?.kubeVersion ? 'spec.source.helm.kubeVersion' : 'kubeVersion',
      `"${context.kubeVersion}" is not a Kubernetes version such as 1.34.0`,
    );
  for (const apiVersion of context.apiVersions ?? []) {
    if (!isApiVersion(apiVersion))
      refuse(
        helm?.apiVersions?.length ? 'spec.source.helm.apiVersions' : 'apiVersions',
        `"${apiVersion}" is not an API version such as apps/v1`,
      );
  }
  for (const [i, parameter] of (helm?.parameters ?? []).entries()) {
    if (!isHelmValueKey(parameter.name))
      refuse(
        `spec.source.helm.parameters[${i}].name`,
        `"${parameter.name}" is not a Helm value name: it may not hold "=" or ","`,
      );
  }
  for (const [i, parameter] of (helm?.fileParameters ?? []).entries()) {
    if (!isHelmValueKey(parameter.name))
      refuse(
        `spec.source.helm.fileParameters[${i}].name`,
        `"${parameter.name}" is not a Helm value name: it may not hold "=" or ","`,
      );
  }
}
