import { createHash } from 'node:crypto';
import {
  effectiveSyncOptions,
  isApplicationObject,
  type KubeObject,
  serverSideDiffTargets,
} from '@berth/domain';
import { BERTH_FIELD_MANAGER, type KubeCluster } from '@berth/kube';

export { BERTH_FIELD_MANAGER };

/**
 * Server-side diff's predictions, kept in this worker's memory (not shared between workers) so a periodic
 * refresh does not send one dry run per resource again when nothing changed. An entry is keyed by the
 * cluster, the resource, what Git declares (a hash), the live resourceVersion and the write options, so
 * any of those changing asks the server again (Argo CD caches the whole diff until a refresh is requested,
 * the revision or the spec changes, or the live object's resourceVersion moves). What the cache cannot
 * see, a webhook that now answers differently, is caught by a user's or a hard refresh, which asks anew.
 * Least recently used entries go first past `maxEntries`.
 */
export class PredictedLiveCache {
  private readonly entries = new Map<string, KubeObject>();
  /** Dry runs answered from memory / sent to the API server (for tests and the metrics of a run). */
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 5_000) {}

  get(key: string): KubeObject | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, predicted: KubeObject): void {
    this.entries.delete(key);
    this.entries.set(key, predicted);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

export interface PredictLiveOptions {
  /** Identifies the cluster in cache keys (its API server URL). */
  clusterUrl: string;
  /** The app's `syncPolicy.syncOptions`: Validate=false is sent as `fieldValidation=Ignore`, as the sync does. */
  syncOptions?: readonly string[];
  /** Ask the server even when the cache has an answer (a user's or a hard refresh), and keep the new one. */
  fresh: boolean;
  cache: PredictedLiveCache;
  /** Dry runs in flight at once. Default 8. */
  concurrency?: number;
}

/**
 * One server-side apply dry run (`dryRun=All`, field manager `berth`, force, as the sync applies) per
 * resource that exists live, hooks and child Applications aside (serverSideDiffTargets). A dry run the
 * server refuses fails the comparison with the server's reason, as in Argo CD (a validating webhook
 * refusing the object shows at compare time, not at the next sync).
 */
export async function predictLive(
  cluster: Pick<KubeCluster, 'apply'>,
  desired: readonly KubeObject[],
  live: readonly KubeObject[],
  options: PredictLiveOptions,
): Promise<Map<string, KubeObject>> {
  const targets = serverSideDiffTargets(desired, live).filter((t) => !isApplicationObject(t.desired));
  const out = new Map<string, KubeObject>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const target = targets[next++]!;
      const validate = effectiveSyncOptions(options.syncOptions, target.desired, target.live).validate;
      const fieldValidation = validate ? 'Strict' : 'Ignore';
      const cacheKey = [
        options.clusterUrl,
        target.key,
        JSON.stringify(target.live.metadata['resourceVersion'] ?? null),
        createHash('sha256').update(JSON.stringify(target.desired)).digest('hex'),
        BERTH_FIELD_MANAGER,
        fieldValidation,
      ].join('\n');
      const cached = options.fresh ? undefined : options.cache.get(cacheKey);
      if (cached) {
        options.cache.hits++;
        out.set(target.key, cached);
        continue;
      }
      options.cache.misses++;
      let predicted: KubeObject;
      try {
        predicted = await cluster.apply(target.desired, {
          dryRun: true,
          fieldManager: BERTH_FIELD_MANAGER,
          force: true,
          fieldValidation,
        });
      } catch (err) {
        throw new Error(
          `server-side diff: the server-side apply dry run of ${target.key} failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
      options.cache.set(cacheKey, predicted);
      out.set(target.key, predicted);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, targets.length) }, worker));
  return out;
}
