import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from 'pg';
import { GitFixtureRepo } from '@berth/sources/testing/git-fixture-repo';
import { benchAppFiles, benchApplication, benchApps, type BenchAppSpec } from '../bench-app.fixture';
import { mapConcurrent } from '../latency-stats';

export interface AppRow {
  name: string;
  sync_status: string;
  health_status: string;
  revision: string | null;
  reconciled_at: Date | null;
}

/** A status change of an app, as statusEvents reads it from the event log. */
export interface StatusEventRow {
  application: string;
  type: string;
  to: string | null;
  revision: string | null;
  at: Date;
}

/** The generated repository and its apps, registered with the scheduler of the run. */
export class BenchFleet {
  readonly generation = new Map<string, number>();
  /** Files the last `bump` changed: the webhook lists them, as GitHub's push payload does. */
  private lastChangedFiles: string[] = [];
  private constructor(
    readonly repo: GitFixtureRepo,
    readonly apps: BenchAppSpec[],
    readonly db: Client,
  ) {}

  static async create(workDir: string, count: number, db: Client): Promise<BenchFleet> {
    await mkdir(workDir, { recursive: true });
    const repo = await GitFixtureRepo.create(join(workDir, 'git'), 'fleet');
    const apps = benchApps(count);
    const files = Object.assign({}, ...apps.map((a) => benchAppFiles(a, 1))) as Record<string, string>;
    await repo.commit(files, `${count} bench apps`);
    const fleet = new BenchFleet(repo, apps, db);
    for (const a of apps) fleet.generation.set(a.name, 1);
    return fleet;
  }

  /** POSTs every Application to the scheduler as `token`; returns when each was accepted (ms since epoch). */
  async register(
    schedulerUrl: string,
    token: string,
    onDone: (n: number) => void,
  ): Promise<Map<string, number>> {
    const accepted = new Map<string, number>();
    await mapConcurrent(this.apps, 8, async (app) => {
      const sent = Date.now();
      const res = await fetch(`${schedulerUrl}/api/v1/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(benchApplication(app, this.repo.fileUrl)),
      });
      if (!res.ok) throw new Error(`POST Application ${app.name}: HTTP ${res.status} ${await res.text()}`);
      accepted.set(app.name, sent);
      onDone(accepted.size);
    });
    return accepted;
  }

  /** Commits a new generation of some apps (a rollout); returns the commit SHA. */
  async bump(apps: readonly BenchAppSpec[]): Promise<string> {
    const files: Record<string, string> = {};
    for (const app of apps) {
      const next = (this.generation.get(app.name) ?? 1) + 1;
      this.generation.set(app.name, next);
      Object.assign(files, benchAppFiles(app, next));
    }
    this.lastChangedFiles = Object.keys(files);
    return this.repo.commit(files, `bump ${apps.length} apps`);
  }

  /** A GitHub push webhook for the repository, as GitHub would send it (with the files of the last bump). */
  async webhook(schedulerUrl: string): Promise<string[]> {
    const res = await fetch(`${schedulerUrl}/api/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
      body: JSON.stringify({
        ref: 'refs/heads/main',
        repository: { clone_url: this.repo.fileUrl },
        commits: [{ added: [], modified: this.lastChangedFiles, removed: [] }],
      }),
    });
    if (!res.ok) throw new Error(`webhook: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { refreshed: string[] }).refreshed;
  }

  async rows(names?: readonly string[]): Promise<AppRow[]> {
    const result = names
      ? await this.db.query<AppRow>(
          `SELECT name, sync_status, health_status, revision, reconciled_at FROM applications WHERE name = ANY($1)`,
          [names],
        )
      : await this.db.query<AppRow>(
          `SELECT name, sync_status, health_status, revision, reconciled_at FROM applications`,
        );
    return result.rows;
  }

  /** The first condition (e.g. a ComparisonError) any app raised: why a fleet is stuck, in Berth's words. */
  async firstCondition(): Promise<string | undefined> {
    const { rows } = await this.db.query<{ kind: string; message: string; application: string }>(
      `SELECT data->>'conditionType' AS kind, data->>'message' AS message, data->>'application' AS application
       FROM events WHERE type = 'ConditionRaised' ORDER BY position LIMIT 1`,
    );
    const row = rows[0];
    return row ? `${row.kind} on ${row.application}: ${row.message}` : undefined;
  }

  /** Status changes of the given apps since `since`, oldest first, from the event log. */
  async statusEvents(names: readonly string[], since: Date): Promise<StatusEventRow[]> {
    const result = await this.db.query<StatusEventRow>(
      `SELECT data->>'application' AS application, type, data->>'to' AS to, data->>'revision' AS revision, recorded_at AS at
       FROM events WHERE data->>'application' = ANY($1) AND recorded_at >= $2
         AND type IN ('SyncStatusChanged', 'HealthStatusChanged', 'SyncOperationSucceeded', 'SyncOperationFailed')
       ORDER BY position`,
      [names, since],
    );
    return result.rows;
  }
}

/** When each app was first Synced and Healthy at once, folding its status events in order. */
export function firstSyncedAndHealthy(
  events: ReadonlyArray<{ application: string; type: string; to: string | null; at: Date }>,
): Map<string, number> {
  const state = new Map<string, { sync: string; health: string }>();
  const done = new Map<string, number>();
  for (const e of events) {
    if (done.has(e.application)) continue;
    const s = state.get(e.application) ?? { sync: 'Unknown', health: 'Unknown' };
    if (e.type === 'SyncStatusChanged' && e.to) s.sync = e.to;
    if (e.type === 'HealthStatusChanged' && e.to) s.health = e.to;
    state.set(e.application, s);
    if (s.sync === 'Synced' && s.health === 'Healthy') done.set(e.application, e.at.getTime());
  }
  return done;
}
