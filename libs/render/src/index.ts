export type {
  ApplicationSource,
  ApplicationSourceDirectory,
  ApplicationSourceHelm,
  ApplicationSourceKustomize,
  HelmFileParameter,
  HelmParameter,
  KustomizeReplica,
} from '../../domain/src/application/application.types';
export type { CredentialsProvider, GitCredentials, RepoAccess } from './git/git-credentials';
export { classifyGitError } from './git/git-error.classifier';
export { GitMirrorCache } from './git/git-mirror-cache';
export type { CommitMetadata, GitMirrorCacheOptions } from './git/git-mirror-cache';
export { parseRepoUrl, redactUrl } from './git/repo-url';
export type { ParsedRepoUrl, RepoUrlPolicy } from './git/repo-url';
export { isVersionConstraint, parseLsRemote, resolveRevisionFromRefs } from './git/revision-resolver';
export type { RemoteRef, RemoteRefs, ResolvedRevision, RevisionLookup } from './git/revision-resolver';
export { HelmChartCache } from './helm-repo/helm-chart-cache';
export type { HelmChartCacheOptions } from './helm-repo/helm-chart-cache';
export { parseHelmRepoIndex, resolveChartVersion } from './helm-repo/helm-repo-index';
export type { ChartVersionEntry, HelmRepoIndex } from './helm-repo/helm-repo-index';
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
export { RenderError, assertOutboundAllowed, isRenderError } from './render.error';
export type { RenderErrorCode } from './render.error';
export { assertNoEscapingSymlinks, resolveAppDir, resolveInside } from './safety/path-guard';
export type { KubernetesObject, SourceType } from './source.types';
export { renderDirectory } from './sources/directory.renderer';
export { renderHelm, resolveValueFile } from './sources/helm.renderer';
export { parseRemoteBase, walkKustomization } from './sources/kustomization-graph';
export type { KustomizationGraph, RemoteBase } from './sources/kustomization-graph';
export { applyKustomizeOptions, parseImageOverride } from './sources/kustomization.editor';
export type { RemoteBases } from './sources/kustomize-workspace';
export { renderKustomize } from './sources/kustomize.renderer';
export { KUSTOMIZATION_FILE_NAMES, detectSourceType } from './sources/source-type.detector';
export { runTool } from './tools/run-tool';
export type { RunToolOptions, RunToolResult } from './tools/run-tool';
export { defaultToolsDir, findTools, toolVersions } from './tools/tool-locator';
export type { FindToolsOptions, KustomizeCommand, ToolPaths, ToolVersions } from './tools/tool-locator';
