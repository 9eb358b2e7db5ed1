import { goExpand } from '@berth/golang';

/** One variable of Argo CD's build environment (`ARGOCD_APP_NAME` ...). */
export interface BuildEnvEntry {
  name: string;
  value: string;
}

/** What a render knows of the app and the source it renders. */
export interface BuildEnvironmentInput {
  appName: string;
  namespace?: string;
  project?: string;
  /** The resolved commit (or chart version). */
  revision: string;
  repoURL: string;
  path?: string;
  targetRevision?: string;
  kubeVersion?: string;
  apiVersions?: readonly string[];
}

/**
 * Argo CD's build environment (its repo-server's `newEnv`, docs user-guide/build-environment.md): the
 * variables tools and plugins see, and that `$VAR` / `${VAR}` in some spec values are replaced with.
 */
export function buildEnvironment(input: BuildEnvironmentInput): BuildEnvEntry[] {
  return [
    { name: 'ARGOCD_APP_NAME', value: input.appName },
    { name: 'ARGOCD_APP_NAMESPACE', value: input.namespace ?? '' },
    { name: 'ARGOCD_APP_PROJECT_NAME', value: input.project ?? '' },
    { name: 'ARGOCD_APP_REVISION', value: input.revision },
    { name: 'ARGOCD_APP_REVISION_SHORT', value: input.revision.slice(0, 7) },
    { name: 'ARGOCD_APP_REVISION_SHORT_8', value: input.revision.slice(0, 8) },
    { name: 'ARGOCD_APP_SOURCE_REPO_URL', value: input.repoURL },
    { name: 'ARGOCD_APP_SOURCE_PATH', value: input.path ?? '' },
    { name: 'ARGOCD_APP_SOURCE_TARGET_REVISION', value: input.targetRevision ?? '' },
    { name: 'KUBE_VERSION', value: input.kubeVersion ?? '' },
    { name: 'KUBE_API_VERSIONS', value: (input.apiVersions ?? []).join(',') },
  ];
}

/**
 * Argo CD's `Env.Envsubst`: Go's os.Expand over the build environment; `$$` is a literal `$` and an
 * unknown variable becomes the empty string.
 */
export function envsubst(env: readonly BuildEnvEntry[], text: string): string {
  const values = new Map(env.map((entry) => [entry.name, entry.value]));
  return goExpand(text, (name) => (name === '$' ? '$' : (values.get(name) ?? '')));
}
