/** Credentials for one repository, as Argo CD's repository secrets hold them. */
export type GitCredentials =
  | { type: 'https'; username: string; password: string }
  | {
      type: 'ssh';
      privateKey: string;
      /** known_hosts lines for the server; required unless `insecureIgnoreHostKey`. */
      knownHosts?: string;
      insecureIgnoreHostKey?: boolean;
    };

/** Looks up the credentials for a repoURL (Argo CD: repository secrets and credential templates). */
export type CredentialsProvider = (repoUrl: string) => GitCredentials | undefined;

/**
 * Whose credentials one call may use. A render passes the lookup scoped to its Application (the
 * repositories its project may use); without it, the cache's own `credentials` provider applies.
 * Mirrors, refs and trees fetched with credentials are kept apart from those fetched without, so an
 * app that may not use a repository's credentials never reads what they fetched.
 */
export interface RepoAccess {
  credentials?: CredentialsProvider;
}
