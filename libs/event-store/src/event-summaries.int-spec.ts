import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { summarizeEvent } from '@berth/domain';
import { EVENT_SUMMARY_FUNCTION_SQL } from '../../../migrations/1764100000006-event-summary-function';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './database/migrations';
import { createTestDatabase, testServerUrl, type TestDatabase } from './testing/test-database';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The audit summaries moved from a SQL function (read time) to the event catalog (append time). The words
 * people and scripts read in `audit_log.summary` must not change: each case is summarized both ways.
 */
const SHA = '0123456789abcdef0123456789abcdef01234567';
const CASES: Array<{ type: string; data: Record<string, unknown> }> = [
  { type: 'ApplicationCreated', data: { application: 'web', project: 'payments', manifest: {} } },
  {
    type: 'ApplicationSpecChanged',
    data: { application: 'web', changedPaths: ['spec.source', 'metadata.labels'] },
  },
  { type: 'ApplicationSpecChanged', data: { application: 'web', changedPaths: [] } },
  { type: 'ApplicationDeleted', data: { application: 'web', cascade: true } },
  { type: 'ApplicationDeleted', data: { application: 'web', cascade: false } },
  { type: 'RefreshRequested', data: { application: 'web', hard: true } },
  { type: 'RefreshRequested', data: { application: 'web', hard: false } },
  {
    type: 'SyncRequested',
    data: {
      application: 'web',
      operationId: 'o',
      prune: true,
      dryRun: false,
      initiatedBy: { automated: false },
    },
  },
  {
    type: 'SyncRequested',
    data: {
      application: 'web',
      operationId: 'o',
      revision: SHA,
      prune: false,
      dryRun: true,
      initiatedBy: { automated: false },
      resources: [{ kind: 'Deployment', name: 'a' }],
    },
  },
  {
    type: 'SyncRequested',
    data: {
      application: 'web',
      operationId: 'o',
      revision: SHA,
      trigger: 'rollback',
      rollbackOf: 3,
      prune: false,
      dryRun: false,
      initiatedBy: { automated: false },
    },
  },
  {
    type: 'SyncRequested',
    data: {
      application: 'web',
      operationId: 'o',
      revision: SHA,
      trigger: 'auto-rollback',
      prune: false,
      dryRun: false,
      initiatedBy: { automated: true },
    },
  },
  { type: 'TerminateRequested', data: { application: 'web', operationId: 'op-1' } },
  {
    type: 'RevisionResolved',
    data: {
      application: 'web',
      revision: SHA,
      previousRevision: null,
      targetRevision: 'main',
      commit: { message: 'fix: pin image' },
    },
  },
  {
    type: 'RevisionResolved',
    data: { application: 'web', revision: SHA, previousRevision: null, targetRevision: 'v1.2.0' },
  },
  {
    type: 'SyncStatusChanged',
    data: {
      application: 'web',
      from: 'Synced',
      to: 'OutOfSync',
      revision: SHA,
      outOfSync: Array.from({ length: 7 }, (_, i) => ({
        group: '',
        kind: 'ConfigMap',
        name: `c${i}`,
        status: 'OutOfSync',
      })),
    },
  },
  {
    type: 'SyncStatusChanged',
    data: { application: 'web', from: 'OutOfSync', to: 'Synced', revision: SHA, outOfSync: [] },
  },
  {
    type: 'HealthStatusChanged',
    data: { application: 'web', from: 'Progressing', to: 'Degraded', message: 'crash loop', unhealthy: [] },
  },
  {
    type: 'HealthStatusChanged',
    data: { application: 'web', from: 'Progressing', to: 'Healthy', unhealthy: [] },
  },
  {
    type: 'ConditionRaised',
    data: { application: 'web', conditionType: 'ComparisonError', message: 'no such path' },
  },
  { type: 'ConditionCleared', data: { application: 'web', conditionType: 'ComparisonError' } },
  {
    type: 'SyncOperationStarted',
    data: {
      application: 'web',
      operationId: 'o',
      revision: SHA,
      planId: 'p',
      attempt: 1,
      dryRun: false,
      taskCount: 4,
    },
  },
  {
    type: 'SyncOperationStarted',
    data: {
      application: 'web',
      operationId: 'o',
      revision: SHA,
      planId: 'p',
      attempt: 3,
      dryRun: false,
      taskCount: 4,
    },
  },
  {
    type: 'ResourceSynced',
    data: {
      application: 'web',
      operationId: 'o',
      taskId: 't',
      resource: { group: 'apps', kind: 'Deployment', name: 'api' },
      phase: 'Sync',
      wave: -1,
      result: 'configured',
    },
  },
  {
    type: 'SyncOperationSucceeded',
    data: {
      application: 'web',
      operationId: 'o',
      revision: SHA,
      message: 'successfully synced',
      startedAt: '',
      finishedAt: '',
    },
  },
  {
    type: 'SyncOperationFailed',
    data: {
      application: 'web',
      operationId: 'o',
      revision: SHA,
      message: 'boom',
      phase: 'Failed',
      startedAt: '',
      finishedAt: '',
      attempt: 1,
      retryInMs: 12_500,
    },
  },
  {
    type: 'SyncOperationFailed',
    data: {
      application: 'web',
      operationId: 'o',
      revision: null,
      message: 'no cluster',
      phase: 'Error',
      startedAt: '',
      finishedAt: '',
      attempt: 1,
    },
  },
  {
    type: 'SyncOperationTerminated',
    data: { application: 'web', operationId: 'o', message: 'Operation terminated', finishedAt: '' },
  },
  {
    type: 'AutoRollbackTriggered',
    data: {
      application: 'web',
      failedRevision: SHA,
      rollbackTo: SHA,
      historyId: 1,
      operationId: 'o',
      reason: 'abc1234 is Degraded',
    },
  },
  {
    type: 'ApplicationResourcesDeleted',
    data: {
      application: 'web',
      resources: [
        { group: '', kind: 'ConfigMap', name: 'a', result: 'deleted' },
        { group: '', kind: 'ConfigMap', name: 'b', result: 'failed' },
        { group: '', kind: 'ConfigMap', name: 'c', result: 'gone' },
      ],
    },
  },
  // Version 1 project and registry events carried their summary in the data: the catalog says the same.
  {
    type: 'ProjectCreated',
    data: { project: 'payments', manifest: {}, summary: 'created project payments' },
  },
  {
    type: 'ProjectSpecChanged',
    data: { project: 'payments', manifest: {}, summary: 'changed project payments' },
  },
  { type: 'ProjectDeleted', data: { project: 'payments', summary: 'deleted project payments' } },
  {
    type: 'RepositoryAdded',
    data: {
      repository: 'https://git.example.com/a.git',
      type: 'git',
      credentialType: 'https',
      summary: 'added git repository https://git.example.com/a.git (https credentials)',
    },
  },
  {
    type: 'RepositoryRemoved',
    data: {
      repository: 'https://git.example.com/a.git',
      summary: 'removed repository https://git.example.com/a.git',
    },
  },
  {
    type: 'ClusterAdded',
    data: {
      cluster: 'prod',
      server: 'https://10.0.0.1:6443',
      authType: 'token',
      summary: 'added cluster prod (https://10.0.0.1:6443, token)',
    },
  },
  {
    type: 'ClusterRemoved',
    data: {
      cluster: 'prod',
      server: 'https://10.0.0.1:6443',
      summary: 'removed cluster prod (https://10.0.0.1:6443)',
    },
  },
];

describe('audit summaries from the event catalog', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    // The migration that moved summaries to append time dropped the function: bring it back to compare.
    await db.dataSource.query(EVENT_SUMMARY_FUNCTION_SQL);
  });
  afterAll(async () => {
    await db.drop();
  });

  it.each(CASES.map((c) => [`${c.type} ${JSON.stringify(c.data).slice(0, 60)}`, c] as const))(
    'says %s as the SQL function did',
    async (_title, event) => {
      const rows: Array<{ summary: string }> = await db.dataSource.query(
        `SELECT berth_event_summary($1, $2::jsonb) AS summary`,
        [event.type, JSON.stringify(event.data)],
      );
      expect(summarizeEvent(event)).toBe(rows[0]!.summary);
    },
  );

  it('stores the summary with each appended event, and audit_log reads it', async () => {
    const store = new PostgresEventStore(db.dataSource);
    await store.append(
      'application-web',
      0,
      [{ type: 'RefreshRequested', schemaVersion: 1, data: { application: 'web', hard: true } }],
      { actor: 'alice' },
    );
    const rows = await db.dataSource.query<unknown[]>(
      `SELECT summary FROM events WHERE stream_id = 'application-web'`,
    );
    expect(rows).toEqual([{ summary: 'requested a hard refresh' }]);
    expect(
      await db.dataSource.query(`SELECT actor, summary FROM audit_log WHERE application = 'web'`),
    ).toEqual([{ actor: 'alice', summary: 'requested a hard refresh' }]);
  });
});

describe('the migration that stores summaries', () => {
  it('fills the summary of events recorded before it, and leaves their data as written', async () => {
    const name = `berth_test_backfill_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: testServerUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(testServerUrl());
    url.pathname = `/${name}`;
    const before = MIGRATIONS.findIndex((m) => m.name === 'SnapshotsAndEventSummaries1764100000007');
    const open = (migrations: unknown[]) =>
      new DataSource({
        type: 'postgres',
        url: url.toString(),
        migrations: migrations as never,
        migrationsTransactionMode: 'each',
      });
    try {
      const old = await open(MIGRATIONS.slice(0, before)).initialize();
      await old.runMigrations();
      await old.query(
        `INSERT INTO events (stream_id, stream_version, type, data, metadata) VALUES
         ('application-web', 1, 'ApplicationCreated', '{"application":"web","project":"default","manifest":{}}', '{"actor":"alice"}'),
         ('project-p', 1, 'ProjectCreated', '{"project":"p","manifest":{},"summary":"created project p"}', '{"actor":"bob"}')`,
      );
      await old.destroy();
      const current = await open(MIGRATIONS).initialize();
      await current.runMigrations();
      expect(
        await current.query(`SELECT type, summary, data->>'summary' AS old FROM events ORDER BY position`),
      ).toEqual([
        { type: 'ApplicationCreated', summary: 'created application web in project default', old: null },
        { type: 'ProjectCreated', summary: 'created project p', old: 'created project p' },
      ]);
      await expect(current.query(`UPDATE events SET type = 'x'`)).rejects.toThrow(/append-only/);
      await current.destroy();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
