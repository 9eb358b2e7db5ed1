import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationEvent, type DomainEvent } from '@berth/domain';
import { eventually } from '@berth/testing';
import { Client } from 'pg';
import { createTestDatabase, testServerUrl, type TestDatabase } from './testing/test-database';
import { START_OF_LOG, type Checkpoint } from './checkpoint';
import { EventLogSubscription } from './event-log-subscription';
import { WrongExpectedVersionError } from './event-store.errors';
import { PostgresEventStore } from './postgres-event-store';

const meta = { actor: 'alice', source: 'test' };
const ping = (n: number): DomainEvent => ({ type: 'Pinged', schemaVersion: 1, data: { n } });

describe('PostgresEventStore', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.dataSource);
  });
  afterAll(async () => db.drop());

  it('appends and reads a stream in version order with metadata', async () => {
    await store.append('s-read', 'no_stream', [ping(1), ping(2)], meta);
    await store.append('s-read', 2, [ping(3)], { ...meta, reason: 'because' });
    const events = await store.readStream('s-read');
    expect(events.map((e) => [e.streamVersion, (e.data as { n: number }).n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(events[2]!.metadata).toEqual({ actor: 'alice', source: 'test', reason: 'because' });
    expect(events[0]!.recordedAt).toBeInstanceOf(Date);
  });

  it('of concurrent appends with the same expected version, exactly one wins', async () => {
    await store.append('s-race', 'no_stream', [ping(0)], meta);
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.append('s-race', 1, [ping(i + 1)], meta)),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a) => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.readStream('s-race')).toHaveLength(2);
    expect(await store.streamVersion('s-race')).toBe(2);
  });

  it('of concurrent creations of one stream, exactly one wins', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => store.append('s-create-race', 'no_stream', [ping(i)], meta)),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(await store.readStream('s-create-race')).toHaveLength(1);
  });

  it('refuses an edit of the log', async () => {
    await store.append('s-immutable', 'no_stream', [ping(1)], meta);
    await expect(
      db.dataSource.query(`UPDATE events SET data = '{}' WHERE stream_id = 's-immutable'`),
    ).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`DELETE FROM events WHERE stream_id = 's-immutable'`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('headCheckpoint is where readAll has nothing more; checkpointAt(position) reads on after that event', async () => {
    const first = await store.append('s-head', 'no_stream', [ping(1), ping(2)], meta);
    const [one, two] = first.events;
    await eventually(
      async () => {
        const head = await store.headCheckpoint();
        expect(head).toBeDefined();
        expect(await store.readAll(head!)).toEqual([]);
        expect(head!.position >= two!.position).toBe(true);
      },
      { what: 'the head past both events' },
    );
    const after = await store.checkpointAt(one!.position);
    expect(after).toEqual({ transactionId: one!.transactionId, position: one!.position });
    await eventually(async () => {
      const next = (await store.readAll(after!)).filter((e) => e.streamId === 's-head');
      expect(next.map((e) => e.position)).toEqual([two!.position]);
    });
    expect(await store.checkpointAt(999_999_999n)).toBeUndefined();
  });

  it('readAll never skips an event when a lower position commits after a higher one', async () => {
    const subscriberSeen: bigint[] = [];
    let checkpoint: Checkpoint = START_OF_LOG;
    const drain = async () => {
      for (;;) {
        const batch = await store.readAll(checkpoint, 100);
        if (batch.length === 0) return;
        for (const e of batch) if (e.streamId.startsWith('s-ooo')) subscriberSeen.push(e.position);
        const last = batch[batch.length - 1]!;
        checkpoint = { transactionId: last.transactionId, position: last.position };
      }
    };
    await drain();

    // Transaction A takes a position and stays open; transaction B takes a higher one and commits.
    const a = new Client({ connectionString: db.url });
    const b = new Client({ connectionString: db.url });
    await a.connect();
    await b.connect();
    await a.query('BEGIN');
    const ra = await a.query<{ position: string }>(
      `INSERT INTO events (stream_id, stream_version, type, data, metadata) VALUES ('s-ooo-a', 1, 'Pinged', '{}', '{"actor":"a"}') RETURNING position`,
    );
    await b.query('BEGIN');
    const rb = await b.query<{ position: string }>(
      `INSERT INTO events (stream_id, stream_version, type, data, metadata) VALUES ('s-ooo-b', 1, 'Pinged', '{}', '{"actor":"b"}') RETURNING position`,
    );
    const posA = BigInt(ra.rows[0]!.position);
    const posB = BigInt(rb.rows[0]!.position);
    expect(posA < posB).toBe(true);
    await b.query('COMMIT');

    // B is committed but A is still in flight: the subscriber must not move past A's slot yet.
    await drain();
    expect(subscriberSeen).toEqual([]);

    await a.query('COMMIT');
    // readAll stops below the oldest transaction open anywhere on the server (the xmin horizon is not per
    // database): another test's open transaction can hold both back for a moment, never skip one.
    await eventually(
      async () => {
        await drain();
        expect(subscriberSeen.sort()).toEqual([posA, posB].sort());
      },
      { what: 'both events once A committed' },
    );
    await a.end();
    await b.end();
  });

  it('a subscription resumes from its checkpoint after a restart: nothing skipped, nothing repeated', async () => {
    await db.dataSource.query(`CREATE TABLE IF NOT EXISTS seen (position bigint PRIMARY KEY)`);
    const makeSub = () =>
      new EventLogSubscription(
        db.dataSource,
        store,
        { name: 'test-sub', databaseUrl: db.url, pollIntervalMs: 50 },
        async (events, manager) => {
          for (const e of events)
            await manager.query(`INSERT INTO seen (position) VALUES ($1)`, [e.position.toString()]);
        },
      );
    const first = makeSub();
    await first.start();
    await store.append('s-sub', 'any', [ping(1), ping(2)], meta);
    await first.drain();
    await first.stop();
    await store.append('s-sub', 'any', [ping(3)], meta);
    const second = makeSub();
    await second.start();
    const all = await db.dataSource.query<Array<{ position: string }>>(
      `SELECT position FROM events ORDER BY position`,
    );
    try {
      // drain() handles what is below the server's xmin horizon: another database's open transaction may
      // hold the last events back for a moment (see readAll), so drain until they are there.
      await eventually(
        async () => {
          await second.drain();
          const seen = await db.dataSource.query<Array<{ position: string }>>(
            `SELECT position FROM seen ORDER BY position`,
          );
          // Primary key on seen: a repeat would have failed the batch. Everything appended is there.
          expect(seen.map((r) => r.position)).toEqual(all.map((r) => r.position));
        },
        { what: 'the second subscription to have seen every event' },
      );
    } finally {
      await second.stop();
    }
  });

  it('wakes a subscriber through LISTEN/NOTIFY without waiting for the poll', async () => {
    const got: string[] = [];
    const sub = new EventLogSubscription(
      db.dataSource,
      store,
      { name: 'notify-sub', databaseUrl: db.url, pollIntervalMs: 60_000 },
      async (events) => {
        for (const e of events) got.push(e.streamId);
      },
    );
    await sub.start();
    await sub.drain();
    got.length = 0;
    await store.append(
      's-notify',
      'no_stream',
      [applicationEvent('RefreshRequested', { application: 'x', hard: false })],
      meta,
    );
    try {
      // The poll is a minute away: only the NOTIFY can bring the event within the wait.
      await eventually(() => expect(got).toContain('s-notify'), { what: 'the subscriber to be woken' });
    } finally {
      await sub.stop();
    }
  });

  it('a subscription held back by a long transaction in another database says so, naming it, and when it ended', async () => {
    const got: string[] = [];
    const told: Array<[string, string]> = [];
    const sub = new EventLogSubscription(
      db.dataSource,
      store,
      {
        name: 'held-back-sub',
        databaseUrl: db.url,
        pollIntervalMs: 100,
        heldBackWarnMs: 300,
        log: (level, message) => told.push([level, message]),
      },
      async (events) => {
        for (const e of events) got.push(e.streamId);
      },
    );
    // A write transaction in another database of the server: transaction ids are server-wide.
    const blocker = new Client({ connectionString: testServerUrl(), application_name: 'berth-test-blocker' });
    await blocker.connect();
    await sub.start();
    try {
      await sub.drain();
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_current_xact_id()');
      const pid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await store.append('s-held-back', 'no_stream', [ping(1)], meta);
      await eventually(
        () => {
          const warned = told.filter(([level]) => level === 'warn').map(([, m]) => m);
          expect(warned.join('\n')).toContain(`wait behind a transaction open since`);
          expect(warned.find((m) => m.includes(`application "berth-test-blocker"`))).toContain(
            `(pid ${pid}, database postgres, user postgres, application "berth-test-blocker", state idle in transaction); end it (pg_terminate_backend(${pid}))`,
          );
        },
        { what: 'the subscription to name the transaction that holds it back', timeout: 15_000 },
      );
      expect(got).not.toContain('s-held-back');
      expect(sub.heldBackSeconds()).toBeGreaterThan(0);
      await blocker.query('COMMIT');
      await eventually(() => expect(got).toContain('s-held-back'), { what: 'the event once it ended' });
      await eventually(
        () => {
          expect(told.some(([level, m]) => level === 'log' && m.includes('the event log moves again'))).toBe(
            true,
          );
          expect(sub.heldBackSeconds()).toBe(0);
        },
        { what: 'the subscription to say it moves again', timeout: 15_000 },
      );
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await sub.stop();
    }
  });
});
