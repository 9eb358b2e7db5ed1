export type {
  ApplicationSource,
  ApplicationSourceDirectory,
  ApplicationSourceHelm,
  ApplicationSourceKustomize,
  HelmFileParameter,
  HelmParameter,
  KustomizeReplica,
} from '../../domain/src/application/application.types';
export { ManifestRenderer } from './manifest-renderer';
export type { ManifestRendererOptions, RenderCounters, RenderRequest } from './manifest-renderer';
export { InMemoryManifestCache } from './manifest/manifest-cache.port';
export type { ManifestCache } from './manifest/manifest-cache.port';
export {
  isKubernetesObject,
  parseToolOutput,
  parseYamlDocuments,
  unpackLists,
} from './manifest/manifest-parser';
export { RedisManifestCache } from './manifest/redis-manifest-cache';
export type { RenderedManifests } from './manifest/rendered-manifests.types';
export { RenderError, isRenderError, renderErrorOf } from './render.error';
export type { RenderErrorCode } from './render.error';
export { resolveAppDir, resolveInside } from './safety/path-guard';
export type { KubernetesObject, SourceType } from './source.types';
export { renderDirectory } from './renderers/directory.renderer';
export { renderHelm, resolveValueFile } from './renderers/helm.renderer';
export { parseRemoteBase, walkKustomization } from './renderers/kustomization-graph';
export type { KustomizationGraph, RemoteBase } from './renderers/kustomization-graph';
export { applyKustomizeOptions, parseImageOverride } from './renderers/kustomization.editor';
export type { RemoteBases } from './renderers/kustomize-workspace';
export { renderKustomize } from './renderers/kustomize.renderer';
export { loadConfigManagementPlugins, PluginConfigError } from './renderers/plugin/plugin-config.loader';
export { pluginEnvironment, pluginParametersJson } from './renderers/plugin/plugin-environment';
export { pluginParameterAnnouncements, renderPlugin } from './renderers/plugin/plugin.renderer';
export type { PluginRenderContext } from './renderers/plugin/plugin.renderer';
export { buildEnvironment, envsubst } from './renderers/build-environment';
export type { BuildEnvEntry, BuildEnvironmentInput } from './renderers/build-environment';
export { KUSTOMIZATION_FILE_NAMES, detectSourceType } from './renderers/source-type.detector';
export { renderSourceTree } from './renderers/source-tree.renderer';
export type { SourceTreeRenderContext, SourceTreeRequest } from './renderers/source-tree.renderer';
export { defaultToolsDir, findTools, toolVersions } from './tools/tool-locator';
export type { FindToolsOptions, KustomizeCommand, ToolPaths, ToolVersions } from './tools/tool-locator';
