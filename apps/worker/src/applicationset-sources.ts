import {
  MAX_GIT_PARAMETER_FILE_BYTES,
  projectOfApplicationSet,
  type ApplicationSet,
  type GeneratorSources,
  type GitTreeListing,
} from '@berth/domain';
import type { RepoAccess } from '@berth/sources';
import type { WorkerDeps } from './worker-deps';

/**
 * What an ApplicationSet's generators read, for one reconciliation: Git trees through the worker's git
 * mirror cache (listed from the commit's tree object: nothing outside the repository, symlinks and
 * submodules left out, at most 100,000 entries, parameter files at most 1 MiB) and the registered
 * clusters. Each repository and revision is resolved and listed once per reconciliation. Credentials
 * are those the template's project may use; a templated project (`{{...}}`) reads anonymously, as Argo
 * CD passes no project to its repo server then.
 */
export async function applicationSetSources(
  deps: WorkerDeps,
  appSet: ApplicationSet,
): Promise<GeneratorSources> {
  const project = projectOfApplicationSet(appSet);
  const access: RepoAccess =
    deps.credentials && !project.includes('{{')
      ? { credentials: (await deps.credentials.forApplication({ spec: { project } })).credentials }
      : {};
  const trees = new Map<string, Promise<{ sha: string; listing: GitTreeListing; files: Set<string> }>>();
  const tree = (repoURL: string, revision: string) => {
    const key = `${repoURL}\0${revision}`;
    let pending = trees.get(key);
    if (!pending) {
      pending = (async () => {
        const refsNotBefore = await deps.queues.reposChangedAt([repoURL]).catch(() => 0);
        const { sha } = await deps.git.resolveRevision(repoURL, revision, { ...access, refsNotBefore });
        const listing = await deps.git.listTree(repoURL, sha, access);
        return { sha, listing, files: new Set(listing.files) };
      })();
      trees.set(key, pending);
    }
    return pending;
  };
  return {
    listGitTree: async (repoURL, revision) => (await tree(repoURL, revision)).listing,
    readGitFile: async (repoURL, revision, path) => {
      const { sha, files } = await tree(repoURL, revision);
      // Only a regular file the listing holds: never a path built from a parameter.
      if (!files.has(path)) throw new Error(`${path} is not a file of ${repoURL} at ${revision}`);
      return deps.git.readFile(repoURL, sha, path, MAX_GIT_PARAMETER_FILE_BYTES, access);
    },
    clusters: async () =>
      (await deps.registeredClusters.list()).map((c) => ({
        name: c.name,
        server: c.server,
        ...(c.project ? { project: c.project } : {}),
      })),
  };
}
