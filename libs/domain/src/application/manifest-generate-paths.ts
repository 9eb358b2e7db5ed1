import { globToRegExp } from '../project/argo-glob';
import { sourcesOf } from './application.defaults';
import type { Application } from './application.types';

/** Argo CD's annotation naming the paths an app's manifests are generated from. */
export const MANIFEST_GENERATE_PATHS_ANNOTATION = 'argocd.argoproj.io/manifest-generate-paths';

/**
 * The repository paths (no leading slash) an app's manifests depend on, from its
 * `argocd.argoproj.io/manifest-generate-paths` annotation, as Argo CD's GetAppRefreshPaths reads it:
 * `;`-separated; an absolute path is from the repository root, a relative one from each source's `path`
 * (`.` is the source's own directory). Undefined when the app has no such annotation.
 */
export function appRefreshPaths(app: Pick<Application, 'metadata' | 'spec'>): string[] | undefined {
  const annotation = app.metadata.annotations?.[MANIFEST_GENERATE_PATHS_ANNOTATION];
  if (annotation === undefined) return undefined;
  const paths: string[] = [];
  for (const raw of annotation.split(';')) {
    const item = raw.trim();
    if (item === '') continue;
    if (item.startsWith('/')) paths.push(cleanPath(item));
    else for (const source of sourcesOf(app)) paths.push(cleanPath(`${source.path ?? ''}/${item}`));
  }
  return paths;
}

/**
 * Argo CD's AppFilesHaveChanged: does a push that changed `changedFiles` concern an app that depends on
 * `refreshPaths`? Yes when the push did not list its files, when the app names no paths, or when a changed
 * file is one of the paths, lies below one, or matches one as a glob.
 */
export function appFilesHaveChanged(
  refreshPaths: readonly string[] | undefined,
  changedFiles: readonly string[] | undefined,
): boolean {
  if (!changedFiles || changedFiles.length === 0) return true;
  if (!refreshPaths || refreshPaths.length === 0) return true;
  return changedFiles.some((file) => {
    const f = cleanPath(file);
    return refreshPaths.some((path) => {
      if (f === path || path === '' || f.startsWith(`${path}/`)) return true;
      return globToRegExp(path, '/')?.test(f) ?? false;
    });
  });
}

/** `a/./b/../c/` -> `a/c`; leading slashes and climbs above the root are dropped (the root is ''). */
function cleanPath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}
