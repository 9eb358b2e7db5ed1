import { createHash } from 'node:crypto';
import type { ApplicationTree } from '@berth/domain';
import type { RedisClient } from '@berth/infra';

/** How long a published tree lives in Redis unless written again: Argo CD's `appStateCacheExpiration` (1 h). */
export const RESOURCE_TREE_TTL_SECONDS = 3600;

/**
 * How long a writer trusts that Redis still holds the tree it wrote last (and skips writing the same one):
 * Argo CD's controller wraps its Redis cache in a TwoLevelClient with a 10-minute in-memory expiration,
 * which forwards a Set to Redis only when the value differs from the one it holds.
 */
export const RESOURCE_TREE_UNCHANGED_MS = 10 * 60_000;

export interface ResourceTreeCacheOptions {
  /** Default RESOURCE_TREE_TTL_SECONDS. */
  ttlSeconds?: number;
  /** Default RESOURCE_TREE_UNCHANGED_MS. */
  unchangedMs?: number;
  /** The clock (ms). Default Date.now. */
  now?: () => number;
}

/**
 * Argo CD's `app|resources-tree|<app>` cache (util/cache/appstate `SetAppResourcesTree` /
 * `GetAppResourcesTree`): the resource tree a worker built from its cluster cache when it refreshed the app,
 * as JSON under `<prefix>:resource-tree:<app>` with a TTL, read by the scheduler's resource-tree route and
 * stream. A cache only: a missing or unreadable entry is a miss, and the reader builds the tree itself.
 *
 * A write is skipped when this process wrote the same tree (by digest) less than `unchangedMs` ago, so a
 * refresh that changes nothing costs a hash and no Redis command. The limits of that, as with Argo CD's
 * TwoLevelClient: another worker's write of a different tree in between, or a Redis that lost the key,
 * is not seen by this process until `unchangedMs` has passed (readers then build the tree themselves, or
 * read the other worker's tree, until this process writes again).
 */
export class ResourceTreeCache {
  private readonly written = new Map<string, { digest: string; at: number }>();
  private readonly ttlSeconds: number;
  private readonly unchangedMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: ResourceTreeCacheOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? RESOURCE_TREE_TTL_SECONDS;
    this.unchangedMs = options.unchangedMs ?? RESOURCE_TREE_UNCHANGED_MS;
    this.now = options.now ?? Date.now;
  }

  /** The Redis key of an app's tree. */
  keyOf(app: string): string {
    return `${this.prefix}:resource-tree:${app}`;
  }

  async get(app: string): Promise<ApplicationTree | undefined> {
    const raw = await this.redis.get(this.keyOf(app));
    if (!raw) return undefined;
    try {
      const tree = JSON.parse(raw) as ApplicationTree;
      return Array.isArray(tree.nodes) && Array.isArray(tree.orphanedNodes) ? tree : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores the tree unless this process wrote the same one lately. True when it was written. */
  async set(app: string, tree: ApplicationTree): Promise<boolean> {
    const text = JSON.stringify(tree);
    const digest = createHash('sha1').update(text).digest('base64');
    const now = this.now();
    const last = this.written.get(app);
    if (last && last.digest === digest && now - last.at < this.unchangedMs) return false;
    await this.redis.set(this.keyOf(app), text, 'EX', this.ttlSeconds);
    this.written.set(app, { digest, at: now });
    return true;
  }

  /** The app is gone (or its tree cannot be built from a cache any more): readers build it themselves. */
  async delete(app: string): Promise<void> {
    this.written.delete(app);
    await this.redis.del(this.keyOf(app));
  }

  /** Forgets what this process wrote for `app` without touching Redis (its next tree is written). */
  forget(app: string): void {
    this.written.delete(app);
  }
}
