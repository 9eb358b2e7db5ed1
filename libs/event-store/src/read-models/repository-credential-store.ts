import {
  type AppProject,
  DEFAULT_PROJECT_NAME,
  defaultAppProject,
  isSourcePermitted,
  normalizeGitUrl,
} from '@berth/domain';
import type { CredentialsProvider, GitCredentials, RegisteredHelmRepository } from '@berth/sources';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '@berth/infra';

/** What one Application may use of the registered repositories (see RepositoryCredentialStore). */
export interface ApplicationRepoAccess {
  credentials: CredentialsProvider;
  /** Argo CD's sourceRepos rule of the app's project: which remote kustomize bases it may load. */
  permitsSource: (repoUrl: string) => boolean;
  /**
   * Helm repositories registered with a name that the app's project may use (Argo CD's permitted Helm
   * repositories): chart dependencies written as `@name` / `alias:name` resolve to them.
   */
  helmRepositories: RegisteredHelmRepository[];
}

interface NamedHelmRepository extends RegisteredHelmRepository {
  project: string | null;
}

interface StoredRepository {
  credentials: GitCredentials;
  /** Argo CD's project-scoped repository: only Applications of this project use its credentials. */
  project: string | null;
}

/**
 * The credentials of registered repositories, opened in memory for the git client. The git
 * client asks synchronously, so the store is loaded (and reloaded) ahead of a render.
 *
 * Renders get them through `forApplication`: a repository's credentials serve an Application only
 * when its AppProject permits the repository (`sourceRepos`) and, for a repository registered with a
 * `project`, only Applications of that project (Argo CD's project-scoped repositories). Any other
 * Application naming the same URL reads it anonymously, and fails if it is private.
 */
export class RepositoryCredentialStore {
  private byUrl = new Map<string, StoredRepository>();
  private helmRepositories: NamedHelmRepository[] = [];
  private loadedAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    /** Reload at most this often; a newly added repository is seen within this time. */
    private readonly maxAgeMs = 5_000,
  ) {}

  /** Reloads when older than maxAgeMs. Call before a render. */
  async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.loadedAt < this.maxAgeMs) return;
    const rows: Array<{
      url: string;
      normalized_url: string;
      name: string | null;
      type: string;
      project: string | null;
      sealed_credentials: string | null;
    }> = await this.dataSource.query(
      `SELECT url, normalized_url, name, type, project, sealed_credentials FROM repositories`,
    );
    const next = new Map<string, StoredRepository>();
    const helm: NamedHelmRepository[] = [];
    for (const row of rows) {
      if (row.type === 'helm' && row.name)
        helm.push({ name: row.name, url: row.url, project: row.project || null });
      if (row.sealed_credentials === null) continue;
      next.set(row.normalized_url, {
        credentials: JSON.parse(this.box.open(row.sealed_credentials)) as GitCredentials,
        project: row.project || null,
      });
    }
    this.byUrl = next;
    this.helmRepositories = helm;
    this.loadedAt = Date.now();
  }

  /**
   * Every registered credential whatever the project: for callers that act for the operator, never
   * for a render on behalf of an Application (use `forApplication`).
   */
  readonly lookup = (repoUrl: string): GitCredentials | undefined =>
    this.byUrl.get(normalizeGitUrl(repoUrl))?.credentials;

  /** The credentials `project` may use (see the class comment); `undefined` project: none. */
  forProject(project: AppProject | undefined): CredentialsProvider {
    return (repoUrl) => {
      if (!project) return undefined;
      const stored = this.byUrl.get(normalizeGitUrl(repoUrl));
      if (!stored) return undefined;
      if (stored.project !== null && stored.project !== project.metadata.name) return undefined;
      return isSourcePermitted(project, repoUrl) ? stored.credentials : undefined;
    };
  }

  /**
   * Reloads if due, reads the Application's AppProject and returns the credentials (and sources) it may
   * use. An Application whose project does not exist gets none (the built-in `default` exists until defined).
   */
  async forApplication(app: { spec: { project?: string } }): Promise<ApplicationRepoAccess> {
    await this.refresh();
    const name = app.spec.project || DEFAULT_PROJECT_NAME;
    const rows: Array<{ manifest: AppProject }> = await this.dataSource.query(
      `SELECT manifest FROM projects WHERE name = $1`,
      [name],
    );
    const project = rows[0]?.manifest ?? (name === DEFAULT_PROJECT_NAME ? defaultAppProject() : undefined);
    return {
      credentials: this.forProject(project),
      permitsSource: (repoUrl) => (project ? isSourcePermitted(project, repoUrl) : false),
      helmRepositories: project
        ? this.helmRepositories
            .filter(
              (repo) =>
                (repo.project === null || repo.project === project.metadata.name) &&
                isSourcePermitted(project, repo.url),
            )
            .map(({ name, url }) => ({ name, url }))
        : [],
    };
  }
}
