export { DATA_DIR_PROBE_TIMEOUT_MS, dataDirWritable } from './disk/data-dir-writable';
export type { DataDirWritability } from './disk/data-dir-writable';
export type { CredentialsProvider, GitCredentials, RepoAccess } from './git/git-credentials';
export { classifyGitError } from './git/git-error.classifier';
export { GitMirrorCache } from './git/git-mirror-cache';
export type { CommitMetadata, GitMirrorCacheOptions, ResolveRevisionOptions } from './git/git-mirror-cache';
export { parseRepoUrl, redactUrl } from './git/repo-url';
export type { ParsedRepoUrl, RepoUrlPolicy } from './git/repo-url';
export { isVersionConstraint, parseLsRemote, resolveRevisionFromRefs } from './git/revision-resolver';
export type { RemoteRef, RemoteRefs, ResolvedRevision, RevisionLookup } from './git/revision-resolver';
export { parseChartDependencies } from './helm-repo/chart-dependencies';
export type { ChartDependency } from './helm-repo/chart-dependencies';
export { HelmChartCache } from './helm-repo/helm-chart-cache';
export type { HelmChartCacheOptions } from './helm-repo/helm-chart-cache';
export { HelmDependencyCache } from './helm-repo/helm-dependency-cache';
export type {
  ChartLocation,
  HelmDependencyAccess,
  HelmDependencyCacheOptions,
  RegisteredHelmRepository,
} from './helm-repo/helm-dependency-cache';
export { APPLICATION_CHART, parseHelmRepoIndex, resolveChartVersion } from './helm-repo/helm-repo-index';
export type { ChartSubject, ChartVersionEntry, HelmRepoIndex } from './helm-repo/helm-repo-index';
export { SourceError, assertOutboundAllowed, isSourceError } from './source.error';
export type { SourceErrorCode } from './source.error';
export { runTool } from './tools/run-tool';
export type { RunToolOptions, RunToolResult } from './tools/run-tool';
export { DEFAULT_TREE_LIMITS, copyTree, treeDigest } from './tree/tree-copy';
export type { TreeLimits } from './tree/tree-copy';
export { assertNoEscapingSymlinks, isInside, realpathOfDeepestExisting } from './tree/tree-guard';
export { MAX_YAML_ALIAS_COUNT, MAX_YAML_NESTING, excessiveYamlNesting } from './yaml/yaml-limits';
export {
  GIT_REQUEST_CHANNEL,
  gitRequestChannel,
  TOOL_EXEC_CHANNEL,
  toolExecChannel,
} from './source-metrics.channel';
export type { GitRequestMessage, ToolExecMessage } from './source-metrics.channel';
export { applicationSetSources } from './applicationset/applicationset-sources';
export type { ApplicationSetSourceDeps } from './applicationset/applicationset-sources';
