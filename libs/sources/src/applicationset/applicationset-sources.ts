import {
  MAX_GIT_PARAMETER_FILE_BYTES,
  projectOfApplicationSet,
  type ApplicationSet,
  type ClusterInfo,
  type GeneratorSources,
  type GitTreeListing,
} from '@berth/domain';
import type { CredentialsProvider } from '../git/git-credentials';
import type { GitMirrorCache } from '../git/git-mirror-cache';

export interface ApplicationSetSourceDeps {
  git: GitMirrorCache;
  /** The credentials a project may use (RepositoryCredentialStore.forApplication); absent = anonymous. */
  credentialsFor?: (project: string) => Promise<CredentialsProvider | undefined>;
  /** The registered clusters. */
  clusters: () => Promise<ClusterInfo[]>;
  /** The last push webhook for a repository (refs read before it are not reused); absent = 0. */
  reposChangedAt?: (repoUrls: string[]) => Promise<number>;
}

/**
 * What an ApplicationSet's generators read, for one reconciliation or one generate request: Git trees
 * through a git mirror cache (listed from the commit's tree object: nothing outside the repository,
 * symlinks and submodules left out, at most 100,000 entries; parameter files at most 1 MiB) and the
 * registered clusters. Each repository and revision is resolved and listed once. Credentials are those
 * the template's project may use; a templated project (`{{...}}`) reads anonymously, as Argo CD passes
 * no project to its repo server then.
 */
export async function applicationSetSources(
  deps: ApplicationSetSourceDeps,
  appSet: ApplicationSet,
): Promise<GeneratorSources> {
  const project = projectOfApplicationSet(appSet);
  const credentials =
    deps.credentialsFor && !project.includes('{{') ? await deps.credentialsFor(project) : undefined;
  const access = credentials ? { credentials } : {};
  const trees = new Map<string, Promise<{ sha: string; listing: GitTreeListing; files: Set<string> }>>();
  const tree = (repoURL: string, revision: string) => {
    const key = `${repoURL}\0${revision}`;
    let pending = trees.get(key);
    if (!pending) {
      pending = (async () => {
        const refsNotBefore = (await deps.reposChangedAt?.([repoURL]).catch(() => 0)) ?? 0;
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
    clusters: deps.clusters,
  };
}
