import { type ApplicationSource, isKubeObject, type KubeObject } from '@berth/domain';
import {
  detectSourceType,
  findTools,
  isRenderError,
  renderSourceTree,
  type SourceType,
  type ToolPaths,
} from '@berth/render';
import { type Application, sourcesOf } from '../format/application';
import { CliError } from '../http/cli-error';
import type { LocalDirectory } from './local-directory';

/** The worker's limits for one tool run (ManifestRenderer's defaults). */
const RENDER_TIMEOUT_MS = 90_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Renders `--local DIR` on this machine as the worker renders the app's source from Git (renderSourceTree:
 * the same type detection, options and confinement), with the app's source options (helm values and
 * parameters, kustomize images, directory include/exclude ...), release name, destination namespace and
 * project: Argo CD's client-side `app diff --local` (getLocalObjectsString). Tools are found as the worker
 * finds them (HELM_PATH / KUSTOMIZE_PATH / KUBECTL_PATH, `.tools/bin`, PATH). What Berth cannot render
 * here is refused: a multi-source app, a config management plugin (plugins are the server's), remote
 * kustomize bases (the app's project decides those on the server).
 */
export async function renderLocal(
  app: Application,
  local: LocalDirectory,
  flag: string,
): Promise<KubeObject[]> {
  const sources = sourcesOf(app);
  if (sources.length !== 1)
    throw new CliError([
      sources.length === 0
        ? `application '${app.metadata.name}' has no source to render`
        : `--local renders one source; application '${app.metadata.name}' has ${sources.length} (spec.sources): push the change and compare with berth app diff ${app.metadata.name}`,
    ]);
  // The API answers Argo CD's Application, whose source the domain's type describes.
  const source = { ...(sources[0] as ApplicationSource), path: local.path };
  if (source.plugin)
    throw new CliError([
      `--local cannot render application '${app.metadata.name}': its source is a config management plugin, which runs on the server`,
      'compare a pushed branch instead: berth app diff NAME --revision BRANCH',
    ]);
  let tools: ToolPaths;
  try {
    tools = findTools();
  } catch (error) {
    throw asCliError(error, flag);
  }
  const missing = missingTool(detectSourceType(source, local.dir), tools);
  if (missing) throw new CliError(missing);
  const namespace = app.spec.destination?.namespace;
  try {
    const { objects } = await renderSourceTree(
      {
        appName: app.metadata.name,
        ...(app.spec.project ? { project: app.spec.project } : {}),
        ...(namespace ? { namespace } : {}),
      },
      source,
      local.root,
      {
        tools,
        timeoutMs: RENDER_TIMEOUT_MS,
        maxOutputBytes: MAX_OUTPUT_BYTES,
        // ARGOCD_APP_REVISION: the commit the app was last compared at, as the worker's render passes its commit.
        revision: app.status?.sync?.revision ?? source.targetRevision ?? '',
      },
    );
    return objects.filter(isKubeObject);
  } catch (error) {
    throw asCliError(error, flag);
  }
}

/**
 * The lines to print when the tool a source type needs is not installed: which tool, where it was looked
 * for, how to install it. Undefined when it is there (jsonnet is checked by the renderer, which says the same).
 */
export function missingTool(type: SourceType, tools: ToolPaths): string[] | undefined {
  if (type === 'Helm' && !tools.helm)
    return [
      '--local DIR is a Helm chart, and helm was not found (HELM_PATH, .tools/bin, PATH)',
      'install helm 3 (https://helm.sh/docs/intro/install/) or set HELM_PATH to the helm binary',
    ];
  if (type === 'Kustomize' && !tools.kustomize)
    return [
      '--local DIR is a kustomization, and neither kustomize nor kubectl was found (KUSTOMIZE_PATH, KUBECTL_PATH, .tools/bin, PATH)',
      'install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) or kubectl, or set KUSTOMIZE_PATH',
    ];
  return undefined;
}

/** A render's refusal or failure as one line naming the flag; anything else as it is. */
function asCliError(error: unknown, flag: string): unknown {
  if (!isRenderError(error)) return error;
  return new CliError([`${flag}: ${error.message}`]);
}
