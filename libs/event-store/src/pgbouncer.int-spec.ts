import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  applicationAggregate,
  applicationEvent,
  applicationStreamId,
  type ApplicationManifest,
  type DomainEvent,
  type RecordedEvent,
} from '@berth/domain';
import { eventually, startPrivatePgBouncer, type PrivatePgBouncer } from '@berth/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createCommandHandler } from './berth-aggregates';
import { createDataSource } from './database/data-source';
import { EventLogSubscription } from './event-log-subscription';
import { WrongExpectedVersionError } from './event-store.errors';
import { PostgresEventStore } from './postgres-event-store';
import { PostgresListener } from './postgres-listener';
import { ApplicationsRepository } from './read-models/applications.repository';
import { createTestDatabase, type TestDatabase } from './testing/test-database';

const meta = { actor: 'alice', source: 'test' };
const ping = (n: number): DomainEvent => ({ type: 'Pinged', schemaVersion: 1, data: { n } });

/**
 * Berth's Postgres use through PgBouncer in transaction mode, 2 server connections for 20 clients: every
 * statement Berth runs on DATABASE_URL lives within one transaction (no session SET, no advisory lock,
 * no named prepared statement), so appends, reads, the command path and the notifier's subscription work
 * through it. LISTEN does not: the connection that ran it goes back to the pool, and the NOTIFY reaches
 * no client. That is why it has its own setting, BERTH_DATABASE_LISTEN_URL, pointing at Postgres.
 */
describe('Postgres behind PgBouncer (pool_mode = transaction)', () => {
  let db: TestDatabase;
  let bouncer: PrivatePgBouncer;
  let pooledUrl: string;
  let pooled: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('berth_pgbouncer');
    bouncer = await startPrivatePgBouncer({ poolSize: 2 });
    pooledUrl = bouncer.urlFor(db.url);
    pooled = createDataSource(pooledUrl, { poolSize: 20, applicationName: 'berth-pgbouncer-test' });
    await pooled.initialize();
    store = new PostgresEventStore(pooled);
  });

  afterAll(async () => {
    await pooled?.destroy();
    await bouncer?.destroy();
    await db?.drop();
  });

  it('the test really goes through PgBouncer: SHOW POOLS names the database, in transaction mode', async () => {
    const admin = new Client({ connectionString: bouncer.urlFor(db.url).replace(/\/[^/]*$/, '/pgbouncer') });
    await admin.connect();
    try {
      // Without parameters node-postgres sends a simple query: the only kind the admin console answers.
      const { rows } = await admin.query<Record<string, string>>('SHOW POOLS');
      const mine = rows.find((r) => r['database'] === db.url.split('/').pop());
      expect(mine).toMatchObject({ pool_mode: 'transaction' });
    } finally {
      await admin.end();
    }
  });

  it('appends and reads; of 10 concurrent appends with one expected version exactly one wins', async () => {
    await store.append('s-bouncer', 'no_stream', [ping(0)], meta);
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.append('s-bouncer', 1, [ping(i + 1)], meta)),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const lost of attempts.filter((a) => a.status === 'rejected'))
      expect(lost.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream('s-bouncer')).map((e) => e.streamVersion)).toEqual([1, 2]);
    // 40 streams appended at once over 2 server connections: each append is one transaction.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.append(`s-many-${i}`, 'no_stream', [ping(i)], meta)),
    );
    // readAll hands out only transactions older than every one in flight on the server (any database):
    // on a shared Postgres another test's transaction may hold it back for a moment.
    await eventually(
      async () =>
        expect(
          (await store.readAll({ transactionId: 0n, position: 0n }, 1000)).length,
        ).toBeGreaterThanOrEqual(42),
      { timeout: 10_000, interval: 50, what: 'readAll to hand out the 42 events' },
    );
    expect(await store.headCheckpoint()).toBeDefined();
  });

  it('the command path (snapshot + read model in the append transaction) works through it', async () => {
    const commands = createCommandHandler(pooled, store);
    const manifest: ApplicationManifest = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'pooled' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/apps.git', path: 'pooled', targetRevision: 'main' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'pooled' },
      },
    };
    await commands.handle(
      applicationAggregate,
      applicationStreamId('pooled'),
      () => [applicationEvent('ApplicationCreated', { application: 'pooled', project: 'default', manifest })],
      meta,
    );
    expect(await new ApplicationsRepository(pooled).find('pooled')).toMatchObject({ name: 'pooled' });
  });

  it('LISTEN through PgBouncer hears nothing; LISTEN on Postgres directly hears the same append', async () => {
    let throughBouncer = 0;
    let direct = 0;
    const bounced = await PostgresListener.open({
      databaseUrl: pooledUrl,
      channel: 'berth_events',
      onNotify: () => throughBouncer++,
    });
    const straight = await PostgresListener.open({
      databaseUrl: db.url,
      channel: 'berth_events',
      onNotify: () => direct++,
    });
    try {
      await store.append('s-listen', 'no_stream', [ping(1)], meta);
      await eventually(async () => expect(direct).toBeGreaterThanOrEqual(1), {
        timeout: 5_000,
        interval: 20,
        what: 'the direct LISTEN connection to be notified',
      });
      // More appends, and time, for a notification to find its way through PgBouncer: none does.
      for (let i = 2; i <= 5; i++) await store.append('s-listen', i - 1, [ping(i)], meta);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(direct).toBeGreaterThanOrEqual(5);
      expect(throughBouncer).toBe(0);
    } finally {
      await bounced.close();
      await straight.close();
    }
  });

  it("the notifier's subscription: batches and checkpoints through PgBouncer, woken by LISTEN on the direct URL, not by its poll", async () => {
    const seen: RecordedEvent[] = [];
    const subscription = new EventLogSubscription(
      pooled,
      store,
      // A poll once a minute: handled within seconds means the NOTIFY woke it.
      { name: 'pgbouncer-test', databaseUrl: db.url, pollIntervalMs: 60_000 },
      async (events, manager) => {
        await manager.query('SELECT 1'); // the handler's writes share the batch's transaction
        seen.push(...events);
      },
    );
    await subscription.start();
    try {
      await subscription.drain();
      const started = Date.now();
      // Each append NOTIFYs. A wake-up finds nothing while a transaction elsewhere on the server holds
      // readAll back (see above), so the test appends again until one wake-up hands the event out.
      let n = 0;
      await eventually(
        async () => {
          await store.append('s-notifier', n === 0 ? 'no_stream' : n, [ping(++n)], meta);
          await new Promise((r) => setTimeout(r, 200));
          expect(seen.some((e) => e.streamId === 's-notifier')).toBe(true);
        },
        { timeout: 15_000, interval: 0, what: 'the subscription to handle an append of s-notifier' },
      );
      expect(Date.now() - started).toBeLessThan(15_000); // far below the 60 s poll
      await subscription.stop(); // the batch in flight, if any, is finished: the checkpoint is its last event
      const last = seen[seen.length - 1]!;
      expect(await subscription.checkpoint()).toEqual({
        transactionId: last.transactionId,
        position: last.position,
      });
    } finally {
      await subscription.stop();
    }
  });
});
