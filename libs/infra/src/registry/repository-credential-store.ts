import { normalizeGitUrl } from '@berth/domain';
import type { GitCredentials } from '@berth/render';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../crypto/secret-box';

/**
 * The credentials of registered repositories, opened in memory for the git client. The git
 * client asks synchronously, so the store is loaded (and reloaded) ahead of a render.
 */
export class RepositoryCredentialStore {
  private byUrl = new Map<string, GitCredentials>();
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
    const rows: Array<{ normalized_url: string; sealed_credentials: string }> = await this.dataSource.query(
      `SELECT normalized_url, sealed_credentials FROM repositories WHERE sealed_credentials IS NOT NULL`,
    );
    const next = new Map<string, GitCredentials>();
    for (const row of rows)
      next.set(row.normalized_url, JSON.parse(this.box.open(row.sealed_credentials)) as GitCredentials);
    this.byUrl = next;
    this.loadedAt = Date.now();
  }

  /** A CredentialsProvider for GitMirrorCache. */
  readonly lookup = (repoUrl: string): GitCredentials | undefined => this.byUrl.get(normalizeGitUrl(repoUrl));
}
