import type { ApplicationSet, ApplicationSetCondition } from '@berth/domain';
import type { DataSource } from 'typeorm';

export interface ApplicationSetRecord {
  name: string;
  project: string;
  manifest: ApplicationSet;
  applications: string[];
  conditions: ApplicationSetCondition[];
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  name: string;
  project: string;
  manifest: ApplicationSet;
  applications: string[];
  conditions: ApplicationSetCondition[];
  created_at: Date;
  updated_at: Date;
}

const recordOf = (r: Row): ApplicationSetRecord => ({
  name: r.name,
  project: r.project,
  manifest: r.manifest,
  applications: r.applications,
  conditions: r.conditions,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Queries of the `applicationsets` read model (ApplicationSetReadModelProjection writes it). */
export class ApplicationSetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(name: string): Promise<ApplicationSetRecord | undefined> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM applicationsets WHERE name = $1`, [name]);
    return rows[0] ? recordOf(rows[0]) : undefined;
  }

  async list(): Promise<ApplicationSetRecord[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM applicationsets ORDER BY name`);
    return rows.map(recordOf);
  }

  /** Sets with a git generator on this repository (any revision): a push to it requeues them. */
  async namesReadingRepository(repoUrls: readonly string[]): Promise<string[]> {
    if (repoUrls.length === 0) return [];
    const rows: Array<{ name: string }> = await this.dataSource.query(
      `SELECT name FROM applicationsets a
        WHERE EXISTS (SELECT 1 FROM jsonb_path_query(a.manifest, 'strict $.**.git.repoURL') AS u(url)
                       WHERE u.url #>> '{}' = ANY($1))
        ORDER BY name`,
      [repoUrls],
    );
    return rows.map((r) => r.name);
  }
}
