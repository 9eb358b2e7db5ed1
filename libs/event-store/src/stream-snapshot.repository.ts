import type { DataSource, EntityManager } from 'typeorm';

export interface StreamSnapshot<S> {
  streamVersion: number;
  state: S;
}

/**
 * The folded state of a stream at a version (table `stream_snapshots`), written in the same transaction
 * as every append through the command path. A command starts from it and reads only the events after it,
 * so the cost of a command does not grow with the stream. A snapshot is a cache of the fold: losing it
 * (or a code change that bumps the aggregate's `stateVersion`) costs one full read of the stream.
 */
export class StreamSnapshotRepository {
  constructor(private readonly dataSource: DataSource) {}

  async get<S>(streamId: string, stateVersion: number): Promise<StreamSnapshot<S> | undefined> {
    const rows: Array<{ stream_version: number; state: S }> = await this.dataSource.query(
      `SELECT stream_version, state FROM stream_snapshots WHERE stream_id = $1 AND state_version = $2`,
      [streamId, stateVersion],
    );
    const row = rows[0];
    return row ? { streamVersion: row.stream_version, state: row.state } : undefined;
  }

  async save(
    manager: EntityManager,
    streamId: string,
    stateVersion: number,
    snapshot: StreamSnapshot<unknown>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO stream_snapshots (stream_id, stream_version, state_version, state, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, now())
       ON CONFLICT (stream_id) DO UPDATE SET stream_version = EXCLUDED.stream_version,
         state_version = EXCLUDED.state_version, state = EXCLUDED.state, updated_at = now()
       WHERE stream_snapshots.stream_version <= EXCLUDED.stream_version`,
      [streamId, snapshot.streamVersion, stateVersion, JSON.stringify(snapshot.state)],
    );
  }
}
