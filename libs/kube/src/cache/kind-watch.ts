import type { KubeObject } from '@berth/domain';
import type { ResourceType } from '../api-discovery';
import type { KubeCluster } from '../kube-cluster';

/** What a kind's watch feeds: a whole list (first list, relist after 410) or one event. */
export interface KindSink {
  /** `initial`: the kind's first list, which changes nothing the cache knew (no change is reported). */
  replaceAll(type: ResourceType, objects: readonly KubeObject[], initial: boolean): void;
  upsert(type: ResourceType, obj: KubeObject): void;
  remove(type: ResourceType, obj: KubeObject): void;
  /** The watch failed and will be retried after `retryInMs` (for logs). */
  failed?(type: ResourceType, err: unknown, retryInMs: number): void;
}

export interface KindWatchOptions {
  /** Server-side end of each watch request; a new one starts from the last version seen. Default 300 s. */
  watchTimeoutSeconds: number;
  /** First wait after a failed list or watch, doubled per failure up to `maxBackoffMs`. Default 1 s. */
  initialBackoffMs: number;
  /** Default 30 s. */
  maxBackoffMs: number;
  /** Page size of a list. Default 500 (client-go's pager). */
  listPageSize: number;
}

export const DEFAULT_KIND_WATCH_OPTIONS: KindWatchOptions = {
  watchTimeoutSeconds: 300,
  initialBackoffMs: 1000,
  maxBackoffMs: 30_000,
  listPageSize: 500,
};

/** Why a watch stream ended. */
type StreamEnd = { kind: 'closed'; events: number } | { kind: 'gone' } | { kind: 'failed'; err: unknown };

/**
 * client-go's reflector for one kind: list, then watch from the list's resourceVersion, moving it with
 * every event (bookmarks included). A stream the server closes is opened again from that version, so no
 * change is lost; `410 Gone` (the version left the server's history) lists again and replaces the kind's
 * objects; any other failure waits (1 s doubling to 30 s, as gitops-engine) and lists again.
 */
export class KindWatch {
  /**
   * True while the cache may answer for this kind: after a list, until a list or watch fails (then
   * lookups fall back to GETs, which say whether the cluster is reachable, until a list succeeds again).
   */
  synced = false;
  /** A list has succeeded once: later lists report what changed (the first one reports nothing). */
  private listed = false;
  /** When the list the kind's state rests on was taken (epoch ms): its last successful list. */
  listedAt: number | undefined;
  /** Counters for tests and metrics. */
  readonly stats = { lists: 0, watches: 0, gone: 0, failures: 0 };
  private resourceVersion = '';
  private stopped = false;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly cluster: KubeCluster,
    readonly type: ResourceType,
    private readonly sink: KindSink,
    private readonly options: KindWatchOptions = DEFAULT_KIND_WATCH_OPTIONS,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  private async run(): Promise<void> {
    let backoff = this.options.initialBackoffMs;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === '') await this.list();
        if (this.stopped) return;
        const end = await this.watchOnce();
        if (end.kind === 'gone') {
          this.stats.gone++;
          this.resourceVersion = '';
          continue;
        }
        if (end.kind === 'failed') throw end.err;
        // A stream closed without a single event (not even a bookmark) may be a server refusing it: pace it.
        if (end.events === 0) await this.sleep(this.options.initialBackoffMs);
        backoff = this.options.initialBackoffMs;
      } catch (err) {
        if (this.stopped) return;
        this.stats.failures++;
        this.synced = false;
        this.sink.failed?.(this.type, err, backoff);
        // The version may be the reason (a server that answers 410 as an HTTP status): list again.
        this.resourceVersion = '';
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      }
    }
  }

  private async list(): Promise<void> {
    const items: KubeObject[] = [];
    let next: string | undefined;
    let version: string;
    do {
      const page = await this.cluster.listCollection(this.type, {
        limit: this.options.listPageSize,
        ...(next ? { continue: next } : {}),
      });
      items.push(...page.items);
      version = page.resourceVersion;
      next = page.continue;
    } while (next && !this.stopped);
    if (this.stopped) return;
    this.stats.lists++;
    this.sink.replaceAll(this.type, items, !this.listed);
    this.resourceVersion = version;
    this.listed = true;
    this.listedAt = Date.now();
    this.synced = true;
  }

  private watchOnce(): Promise<StreamEnd> {
    return new Promise<StreamEnd>((resolve) => {
      let events = 0;
      let gone = false;
      this.stats.watches++;
      this.cluster
        .watchCollection(
          this.type,
          { resourceVersion: this.resourceVersion, timeoutSeconds: this.options.watchTimeoutSeconds },
          (event) => {
            if (this.stopped || gone) return;
            events++;
            const version = event.object?.metadata?.['resourceVersion'];
            if (event.type === 'ERROR') {
              // A Status: 410 Expired/Gone is the server saying our version left its history.
              if ((event.object as unknown as { code?: number }).code === 410) gone = true;
              return;
            }
            if (event.type === 'ADDED' || event.type === 'MODIFIED')
              this.sink.upsert(this.type, event.object);
            else if (event.type === 'DELETED') this.sink.remove(this.type, event.object);
            if (typeof version === 'string' && version !== '') this.resourceVersion = version;
          },
          (err) => {
            this.abort = undefined;
            if (gone || statusOf(err) === 410) resolve({ kind: 'gone' });
            else if (err && !this.stopped && !isAbort(err)) resolve({ kind: 'failed', err });
            else resolve({ kind: 'closed', events });
          },
        )
        .then((controller) => {
          this.abort = controller;
          if (this.stopped) controller.abort();
        })
        .catch((err: unknown) => resolve({ kind: 'failed', err }));
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

function isAbort(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'AbortError';
}
