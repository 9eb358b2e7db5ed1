import type { AppProject } from './app-project.types';

export const DEFAULT_PROJECT_NAME = 'default';

/**
 * The `default` project Argo CD creates on install: every repository, every destination, every kind.
 * Berth uses it when no AppProject named `default` has been stored.
 */
export function defaultAppProject(namespace = 'argocd'): AppProject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: DEFAULT_PROJECT_NAME, namespace },
    spec: {
      sourceRepos: ['*'],
      destinations: [{ server: '*', name: '*', namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  };
}
