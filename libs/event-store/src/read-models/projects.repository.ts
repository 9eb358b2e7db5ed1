import type { AppProject } from '@berth/domain';
import type { DataSource } from 'typeorm';

/** Queries of the `projects` read model (ProjectReadModelProjection writes it). */
export class ProjectsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(name: string): Promise<AppProject | undefined> {
    const rows: Array<{ manifest: AppProject }> = await this.dataSource.query(
      `SELECT manifest FROM projects WHERE name = $1`,
      [name],
    );
    return rows[0]?.manifest;
  }

  async list(): Promise<AppProject[]> {
    const rows: Array<{ manifest: AppProject }> = await this.dataSource.query(
      `SELECT manifest FROM projects ORDER BY name`,
    );
    return rows.map((r) => r.manifest);
  }
}
