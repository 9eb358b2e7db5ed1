/**
 * What the generators read, gathered by the worker: a Git revision's tree (listed inside the
 * repository only, symlinks not followed, sizes bounded) and the registered clusters.
 */
export interface GitTreeListing {
  /** Every directory, relative and "/"-separated, without hidden ones (`.git`, `.github`), as Argo CD's repo server lists them. */
  directories: string[];
  /** Every regular file, relative and "/"-separated (in hidden directories too, as `git ls-files`). */
  files: string[];
}

export interface ClusterInfo {
  name: string;
  server: string;
  project?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface GeneratorSources {
  listGitTree(repoURL: string, revision: string): Promise<GitTreeListing>;
  /** One file of the listing; the adapter refuses paths outside the listing. */
  readGitFile(repoURL: string, revision: string, path: string): Promise<string>;
  /** The registered clusters (the generator adds Argo CD's in-cluster when none has its server). */
  clusters(): Promise<ClusterInfo[]>;
}
