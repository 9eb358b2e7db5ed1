import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  applicationAggregate,
  applicationEvent,
  applicationStreamId,
  decideApplication,
  DomainError,
  type ApplicationCommand,
  type ApplicationManifest,
} from '@berth/domain';
import { createTestDatabase, type TestDatabase } from './testing/test-database';
import { ApplicationsRepository } from './read-models/applications.repository';
import { createCommandHandler, createProjectionRebuilder } from './berth-aggregates';
import { CommandHandler } from './command-handler';
import { PostgresEventStore } from './postgres-event-store';
import { StreamSnapshotRepository } from './stream-snapshot.repository';

const who = { actor: 'alice', source: 'test' };

function manifest(name: string, targetRevision = 'main'): ApplicationManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/apps.git', path: name, targetRevision },
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
    },
  };
}

describe('CommandHandler: the one command path', () => {
  let db: TestDatabase;
  let handler: CommandHandler;
  const run = (name: string, command: ApplicationCommand, h = handler) =>
    h.handle(
      applicationAggregate,
      applicationStreamId(name),
      (state) => decideApplication(command, state),
      who,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    handler = createCommandHandler(db.dataSource);
  });
  afterAll(async () => db.drop());

  it('decides on the folded state, appends, and writes the snapshot and the read model in the same transaction', async () => {
    await run('web', { type: 'CreateApplication', manifest: manifest('web') });
    const result = await run('web', {
      type: 'RequestSync',
      operationId: 'op-1',
      prune: true,
      dryRun: false,
      initiatedBy: { automated: false },
    });
    expect(result.version).toBe(2);
    expect(result.events.map((e) => e.type)).toEqual(['SyncRequested']);
    const row = await new ApplicationsRepository(db.dataSource).find('web');
    expect(row).toMatchObject({
      streamVersion: 2,
      syncStatus: 'Unknown',
      operation: { operationId: 'op-1' },
    });
    const snapshot = await new StreamSnapshotRepository(db.dataSource).get(
      applicationStreamId('web'),
      applicationAggregate.stateVersion,
    );
    expect(snapshot?.streamVersion).toBe(2);
    expect(snapshot?.state).toEqual(result.state);
  });

  it('refuses what the decider refuses and records nothing', async () => {
    await expect(
      run('web', {
        type: 'RequestSync',
        operationId: 'op-2',
        prune: false,
        dryRun: false,
        initiatedBy: { automated: false },
      }),
    ).rejects.toThrow(DomainError);
    expect(await new PostgresEventStore(db.dataSource).streamVersion(applicationStreamId('web'))).toBe(2);
  });

  it('decides again on top of what another writer appended first', async () => {
    await run('race', { type: 'CreateApplication', manifest: manifest('race') });
    const stale = await handler.load(applicationAggregate, applicationStreamId('race'));
    // Someone else records a sync request after `stale` was read.
    await run('race', {
      type: 'RequestSync',
      operationId: 'theirs',
      prune: false,
      dryRun: false,
      initiatedBy: { automated: false },
    });
    // Deciding on `stale` would allow a second sync; the conflict makes the handler read again and refuse it.
    await expect(
      handler.handle(
        applicationAggregate,
        applicationStreamId('race'),
        (state) =>
          decideApplication(
            {
              type: 'RequestSync',
              operationId: 'mine',
              prune: false,
              dryRun: false,
              initiatedBy: { automated: false },
            },
            state,
          ),
        who,
        { known: stale },
      ),
    ).rejects.toMatchObject({ code: 'OperationInProgress' });
  });

  it('a command on a stream of 10,000 events reads its snapshot and only the events after it', async () => {
    const stream = applicationStreamId('busy');
    await run('busy', { type: 'CreateApplication', manifest: manifest('busy') });
    for (let batch = 0; batch < 10; batch++) {
      await handler.handle(
        applicationAggregate,
        stream,
        () =>
          Array.from({ length: 1000 }, () =>
            applicationEvent('RefreshRequested', { application: 'busy', hard: false }),
          ),
        who,
      );
    }
    const fresh = createCommandHandler(db.dataSource);
    const loaded = await fresh.load(applicationAggregate, stream);
    expect(loaded.version).toBe(10_001);
    expect(loaded.state.refreshRequests).toBe(10_000);
    expect(fresh.reads).toEqual({ snapshotsRead: 1, eventsRead: 0 });

    // A writer that appends around the command path leaves a tail: the next command reads just that.
    await new PostgresEventStore(db.dataSource).append(
      stream,
      10_001,
      [applicationEvent('RefreshRequested', { application: 'busy', hard: true })],
      who,
    );
    const tail = createCommandHandler(db.dataSource);
    expect((await tail.load(applicationAggregate, stream)).state.refreshRequests).toBe(10_001);
    expect(tail.reads).toEqual({ snapshotsRead: 1, eventsRead: 1 });

    // Without a snapshot (lost, or written by another state version) the whole stream is read once.
    await db.dataSource.query(`DELETE FROM stream_snapshots WHERE stream_id = $1`, [stream]);
    const cold = createCommandHandler(db.dataSource);
    expect((await cold.load(applicationAggregate, stream)).state.refreshRequests).toBe(10_001);
    expect(cold.reads.eventsRead).toBe(10_002);
  });

  it('the read models and snapshots equal a replay of the whole log (rebuild --check)', async () => {
    const rebuilder = createProjectionRebuilder(db.dataSource);
    const report = await rebuilder.rebuild({ check: true });
    // Above, "busy" lost its snapshot and got an event appended around the command path: the replay has
    // both, the live tables do not.
    expect(report.differences).toEqual([
      expect.objectContaining({
        table: 'stream_snapshots',
        missingOrDifferent: 1,
        unexpected: 0,
        examples: ['application-busy'],
      }),
      expect.objectContaining({
        table: 'applications',
        missingOrDifferent: 1,
        unexpected: 1,
        examples: ['busy'],
      }),
    ]);
    const replaced = await rebuilder.rebuild({ check: false });
    expect(replaced.replaced).toBe(true);
    expect((await rebuilder.rebuild({ check: true })).differences).toEqual([]);
    expect(await rebuilder.stale()).toEqual([]);
  });

  it('a rebuild finds a read model that drifted from the log, and repairs it keeping reconcile times', async () => {
    const apps = new ApplicationsRepository(db.dataSource);
    await apps.touchReconciled('web');
    const reconciledAt = (await apps.find('web'))!.reconciledAt;
    await db.dataSource.query(`UPDATE applications SET sync_status = 'Synced' WHERE name = 'web'`);
    const rebuilder = createProjectionRebuilder(db.dataSource);
    expect((await rebuilder.rebuild({ check: true })).differences).toEqual([
      expect.objectContaining({ table: 'applications', examples: ['web'] }),
    ]);
    await rebuilder.rebuild({ check: false });
    expect(await apps.find('web')).toMatchObject({ syncStatus: 'Unknown', reconciledAt });
  });

  it('a malformed event in the log is reported by the rebuild, not a stop for it (or for npm run migrate)', async () => {
    await new PostgresEventStore(db.dataSource).append(
      applicationStreamId('junk'),
      'no_stream',
      [{ type: 'SyncRequested', schemaVersion: 1, data: { application: 'junk' } }],
      who,
    );
    const report = await createProjectionRebuilder(db.dataSource).rebuild({ check: true });
    expect(report.unreadable).toEqual([
      expect.objectContaining({ streamId: 'application-junk', streamVersion: 1, type: 'SyncRequested' }),
    ]);
  });
});
