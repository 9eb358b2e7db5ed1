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
