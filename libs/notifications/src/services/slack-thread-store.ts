/** Where a groupingKey thread lives in a channel: the parent's channel ID and ts. */
export interface SlackThreadRef {
  channel: string;
  ts: string;
}

/**
 * Remembers the first message of each groupingKey per recipient, so later messages go into its thread.
 * Argo CD keeps this in memory (lost on restart); implement it on Redis/Postgres to keep threads across restarts.
 */
export interface SlackThreadStore {
  get(recipient: string, groupingKey: string): Promise<SlackThreadRef | undefined>;
  set(recipient: string, groupingKey: string, ref: SlackThreadRef): Promise<void>;
}

export class InMemorySlackThreadStore implements SlackThreadStore {
  private readonly threads = new Map<string, SlackThreadRef>();

  constructor(private readonly maxEntries = 10_000) {}

  async get(recipient: string, groupingKey: string): Promise<SlackThreadRef | undefined> {
    return this.threads.get(JSON.stringify([recipient, groupingKey]));
  }

  async set(recipient: string, groupingKey: string, ref: SlackThreadRef): Promise<void> {
    const key = JSON.stringify([recipient, groupingKey]);
    this.threads.delete(key);
    this.threads.set(key, ref);
    // Maps iterate in insertion order: drop the oldest thread when full.
    if (this.threads.size > this.maxEntries) this.threads.delete(this.threads.keys().next().value!);
  }
}
