export * from './source.types';
export * from './render.error';
export { findTools, toolVersions, defaultToolsDir } from './tools/tool-locator';
export type { ToolPaths, ToolVersions, KustomizeCommand, FindToolsOptions } from './tools/tool-locator';
export { runTool } from './tools/run-tool';
export type { RunToolOptions, RunToolResult } from './tools/run-tool';
export type { GitCredentials, CredentialsProvider, RepoAccess } from './git/git-credentials';
export { parseRepoUrl, redactUrl } from './git/repo-url';
export type { ParsedRepoUrl, RepoUrlPolicy } from './git/repo-url';
export { parseLsRemote, resolveRevisionFromRefs, isVersionConstraint } from './git/revision-resolver';
export type { RemoteRef, RemoteRefs, ResolvedRevision, RevisionLookup } from './git/revision-resolver';
export { classifyGitError } from './git/git-error.classifier';
export { GitMirrorCache } from './git/git-mirror-cache';
export { HelmChartCache } from './helm-repo/helm-chart-cache';
export type { HelmChartCacheOptions } from './helm-repo/helm-chart-cache';
export { parseHelmRepoIndex, resolveChartVersion } from './helm-repo/helm-repo-index';
export type { ChartVersionEntry, HelmRepoIndex } from './helm-repo/helm-repo-index';
export type { GitMirrorCacheOptions, CommitMetadata } from './git/git-mirror-cache';
export { detectSourceType, KUSTOMIZATION_FILE_NAMES } from './sources/source-type.detector';
export { renderDirectory } from './sources/directory.renderer';
export { renderKustomize } from './sources/kustomize.renderer';
export { walkKustomization, parseRemoteBase } from './sources/kustomization-graph';
export type { KustomizationGraph, RemoteBase } from './sources/kustomization-graph';
export type { RemoteBases } from './sources/kustomize-workspace';
export { applyKustomizeOptions, parseImageOverride } from './sources/kustomization.editor';
export { renderHelm, resolveValueFile } from './sources/helm.renderer';
export { assertNoEscapingSymlinks, resolveAppDir, resolveInside } from './safety/path-guard';
export {
  parseToolOutput,
  parseYamlDocuments,
  unpackLists,
  isKubernetesObject,
} from './manifest/manifest-parser';
export type { ManifestCache } from './manifest/manifest-cache.port';
export { InMemoryManifestCache } from './manifest/manifest-cache.port';
export { RedisManifestCache } from './manifest/redis-manifest-cache';
export { ManifestRenderer } from './manifest-renderer';
export type {
  RenderRequest,
  RenderedManifests,
  ManifestRendererOptions,
  RenderCounters,
} from './manifest-renderer';
