import {
  DEFAULT_PROJECT_NAME,
  argoApplicationOf,
  type ApplicationManifest,
  type ApplicationStatus,
  type ArgoApplication,
  type Operation,
} from '@berth/domain';
import type { DataSource, EntityManager } from 'typeorm';

/** One row of the `applications` read model (written by ApplicationReadModelProjection). */
export interface ApplicationRecord {
  name: string;
  project: string;
  manifest: ApplicationManifest;
  syncStatus: string;
  healthStatus: string;
  revision: string | null;
  status: ApplicationStatus;
  operation: Operation | null;
  streamVersion: number;
  createdAt: Date;
  updatedAt: Date;
  /** When a worker last compared the app with the cluster (not from the log). */
  reconciledAt: Date | null;
}

interface ApplicationRow {
  name: string;
  project: string;
  manifest: ApplicationManifest;
  sync_status: string;
  health_status: string;
  revision: string | null;
  status: ApplicationStatus;
  operation: Operation | null;
  stream_version: number;
  created_at: Date;
  updated_at: Date;
  reconciled_at: Date | null;
}

function toRecord(row: ApplicationRow): ApplicationRecord {
  return {
    name: row.name,
    project: row.project,
    manifest: row.manifest,
    syncStatus: row.sync_status,
    healthStatus: row.health_status,
    revision: row.revision,
    status: row.status,
    operation: row.operation,
    streamVersion: row.stream_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    reconciledAt: row.reconciled_at,
  };
}

/** The Application resource (Argo CD's shape) of a read-model row. */
export function argoApplicationOfRecord(record: ApplicationRecord): ArgoApplication {
  return argoApplicationOf({
    manifest: record.manifest,
    status: record.status,
    operation: record.operation,
    createdAt: record.createdAt.toISOString(),
    streamVersion: record.streamVersion,
    deletedAt: null,
    reconciledAt: record.reconciledAt,
  });
}

/** Queries of the `applications` read model. Commands read the stream's snapshot instead (CommandHandler). */
export class ApplicationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(name: string): Promise<ApplicationRecord | undefined> {
    const rows: ApplicationRow[] = await this.dataSource.query(`SELECT * FROM applications WHERE name = $1`, [
      name,
    ]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The application's project as stored (`default` when it names none); undefined when it does not exist. */
  async projectOf(name: string): Promise<string | undefined> {
    const rows: Array<{ project: string | null }> = await this.dataSource.query(
      `SELECT project FROM applications WHERE name = $1`,
      [name],
    );
    return rows[0] ? rows[0].project || DEFAULT_PROJECT_NAME : undefined;
  }

  async list(filter: { project?: string } = {}): Promise<ApplicationRecord[]> {
    const rows: ApplicationRow[] = filter.project
      ? await this.dataSource.query(`SELECT * FROM applications WHERE project = $1 ORDER BY name`, [
          filter.project,
        ])
      : await this.dataSource.query(`SELECT * FROM applications ORDER BY name`);
    return rows.map(toRecord);
  }

  /** Apps whose stored manifest carries `annotation: value` (App of Apps children of a parent). */
  async withAnnotation(annotation: string, value: string): Promise<ApplicationRecord[]> {
    const rows: ApplicationRow[] = await this.dataSource.query(
      `SELECT * FROM applications WHERE manifest->'metadata'->'annotations'->>$1 = $2 ORDER BY name`,
      [annotation, value],
    );
    return rows.map(toRecord);
  }

  /** Every app's name and manifest (which apps does a push concern?). */
  async manifests(): Promise<Array<{ name: string; manifest: ApplicationManifest }>> {
    return this.dataSource.query(`SELECT name, manifest FROM applications`);
  }

  /** Up to `limit` names of the apps of a project. */
  async namesInProject(project: string, limit: number): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.dataSource.query(
      `SELECT name FROM applications WHERE project = $1 ORDER BY name LIMIT $2`,
      [project, limit],
    );
    return rows.map((r) => r.name);
  }

  /**
   * Apps a periodic round may have to refresh: compared longer than `intervalSeconds` ago (or never), or
   * with an interval of their own in the annotation `ownIntervalAnnotation` (returned, unparsed).
   */
  async refreshCandidates(
    intervalSeconds: number,
    ownIntervalAnnotation: string,
  ): Promise<
    Array<{ name: string; reconciledAt: Date | null; createdAt: Date; ownInterval: string | null }>
  > {
    const rows: Array<{
      name: string;
      reconciled_at: Date | null;
      created_at: Date;
      own_interval: string | null;
    }> = await this.dataSource.query(
      `SELECT name, reconciled_at, created_at, manifest->'metadata'->'annotations'->>$2 AS own_interval
         FROM applications
         WHERE reconciled_at IS NULL OR reconciled_at < now() - make_interval(secs => $1)
            OR manifest->'metadata'->'annotations' ? $2`,
      [intervalSeconds, ownIntervalAnnotation],
    );
    return rows.map((r) => ({
      name: r.name,
      reconciledAt: r.reconciled_at,
      createdAt: r.created_at,
      ownInterval: r.own_interval,
    }));
  }

  /** Records that the app was compared now; in `manager`'s transaction when given. */
  async touchReconciled(name: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `UPDATE applications SET reconciled_at = now() WHERE name = $1`,
      [name],
    );
  }
}
